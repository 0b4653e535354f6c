# Sourced (POSIX sh) by ./baton, ./mvnw, .ci/run and benchmarks/run: points JAVA_HOME (and
# JAVA) at a JDK >= 21. JAVA_HOME wins when it is recent enough; otherwise the newest JDK in
# the usual install locations, then the java on the PATH.

baton_java_major() { # the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

baton_find_jdk() {
  _baton_best=""
  _baton_best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    _baton_major=$(baton_java_major "$JAVA_HOME/bin/java")
    if [ -n "$_baton_major" ] && [ "$_baton_major" -ge 21 ]; then
      _baton_best=$JAVA_HOME
    fi
  fi
  if [ -z "$_baton_best" ]; then
    _baton_path_jdk=""
    if command -v java >/dev/null 2>&1; then
      _baton_path_jdk=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    fi
    case $- in *f*) _baton_noglob=1; set +f ;; *) _baton_noglob=0 ;; esac
    for _baton_c in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
                    "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home $_baton_path_jdk; do
      [ -x "$_baton_c/bin/java" ] && [ -x "$_baton_c/bin/javac" ] || continue
      _baton_major=$(baton_java_major "$_baton_c/bin/java")
      [ -n "$_baton_major" ] && [ "$_baton_major" -ge 21 ] || continue
      if [ "$_baton_major" -gt "$_baton_best_major" ]; then
        _baton_best=$_baton_c
        _baton_best_major=$_baton_major
      fi
    done
    [ "$_baton_noglob" = 1 ] && set -f
  fi
  if [ -z "$_baton_best" ]; then
    echo "baton: no JDK 21 or newer found (looked at JAVA_HOME=${JAVA_HOME:-<unset>}, /usr/lib/jvm/*, /opt/java/*," >&2
    echo "       ~/.sdkman, /Library/Java and the java on the PATH)." >&2
    echo "       Install one, e.g. 'apt-get install openjdk-21-jdk' or a Temurin JDK from https://adoptium.net," >&2
    echo "       then run again (or point JAVA_HOME at it)." >&2
    return 1
  fi
  JAVA_HOME=$_baton_best
  export JAVA_HOME
  JAVA="$_baton_best/bin/java"
}
