# Sourced (POSIX sh) by ./baton, ./mvnw, .ci/run and benchmarks/run: points JAVA_HOME (and
# JAVA) at a JDK >= 21 and sets BATON_JAVA_MAJOR to its major version. JAVA_HOME wins when it is
# recent enough; otherwise the newest JDK in the usual install locations, then the java on the PATH.
# A JDK's version is read from its `release` file: no JVM is started. Only a JDK without one is
# asked (`java -XshowSettings:properties -version`, about 0.3 s each); the answer is kept in the
# file named by BATON_JDK_CACHE, if set, keyed by the java binary's path and modification time.

baton_java_major() { # the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

_baton_jdk_major() { # the major version of the JDK in directory $1, or nothing
  if [ -f "$1/release" ]; then
    # JAVA_VERSION="25.0.3", "21", "21-ea", or "1.8.0_402" for Java 8
    _baton_v=$(sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$1/release" 2>/dev/null | head -n 1)
    if [ -n "$_baton_v" ]; then
      echo "$_baton_v"
      return 0
    fi
  fi
  _baton_key="$1/bin/java $(stat -L -c %Y "$1/bin/java" 2>/dev/null)"
  if [ -n "${BATON_JDK_CACHE:-}" ] && [ -f "$BATON_JDK_CACHE" ]; then
    _baton_v=$(awk -v k="$_baton_key" 'index($0, k "\t") == 1 { v = substr($0, length(k) + 2) } END { print v }' \
               "$BATON_JDK_CACHE" 2>/dev/null)
    if [ -n "$_baton_v" ]; then
      echo "$_baton_v"
      return 0
    fi
  fi
  _baton_v=$(baton_java_major "$1/bin/java")
  if [ -n "$_baton_v" ] && [ -n "${BATON_JDK_CACHE:-}" ]; then
    mkdir -p "$(dirname "$BATON_JDK_CACHE")" 2>/dev/null && printf '%s\t%s\n' "$_baton_key" "$_baton_v" >>"$BATON_JDK_CACHE"
  fi
  echo "$_baton_v"
}

baton_find_jdk() {
  _baton_best=""
  _baton_best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    _baton_major=$(_baton_jdk_major "$JAVA_HOME")
    if [ -n "$_baton_major" ] && [ "$_baton_major" -ge 21 ]; then
      _baton_best=$JAVA_HOME
      _baton_best_major=$_baton_major
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
      _baton_major=$(_baton_jdk_major "$_baton_c")
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
  BATON_JAVA_MAJOR=$_baton_best_major
}
