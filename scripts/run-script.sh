# Sourced (bash) by ./baton: `baton run`. Uses the launcher's root, JAVA, BATON_JAVA_MAJOR, cp (Baton's
# class path), build_id (changes with every build of Baton), home (BATON_HOME) and cds_options.

baton_run_usage() {
  cat <<'EOF'
Usage: baton run [--class-path JARS] FILE.java [args...]
Run a flow script: a single-file Java program with Baton on its class path, as
`java FILE.java` runs one: its first top-level class (in its package, if it has
one) is started with args.

  -cp, --class-path JARS   more jars or class directories for the script,
                           separated by ':' (repeatable; DIR/* takes a
                           directory's jars)
  -h, --help               Show this help and exit.

Lines `//DEPS group:artifact:version` in FILE.java add those libraries and what
they need, resolved through Maven (./mvnw) once and cached under
BATON_HOME/deps. Baton's own libraries come first on the class path.
FILE.java is compiled once into BATON_HOME/scripts and again when it, its
class path or Baton changes. JVM options: BATON_JAVA_OPTS.
EOF
}

# baton_run_script ARGS...: parses `baton run`'s arguments, compiles the script if needed, and execs it
baton_run_script() {
  local user_cp="" entry
  while [ $# -gt 0 ]; do
    case "$1" in
      -h|--help) baton_run_usage; exit 0 ;;
      -cp|-classpath|--class-path)
        [ $# -ge 2 ] || { echo "baton run: $1 needs a value: jars or directories separated by ':'" >&2; exit 2; }
        user_cp="${user_cp:+$user_cp:}$2"; shift 2 ;;
      --class-path=*) user_cp="${user_cp:+$user_cp:}${1#*=}"; shift ;;
      --) shift; break ;;
      -*) echo "baton run: unknown option '$1' (options go before FILE.java; see 'baton run --help')" >&2; exit 2 ;;
      *) break ;;
    esac
  done
  if [ $# -lt 1 ]; then
    echo "baton run: which script? usage: baton run [--class-path JARS] FILE.java [args...]" >&2
    exit 2
  fi
  local file=$1; shift
  case "$file" in
    *.java) ;;
    *) echo "baton run: takes a Java source file (FILE.java), got: $file" >&2; exit 2 ;;
  esac
  if [ ! -f "$file" ]; then
    echo "baton run: no such file: $file" >&2
    exit 2
  fi

  # --class-path: absolute entries (the cache key and the JVM's archive depend on them), each one there
  local extra_cp="" entries
  if [ -n "$user_cp" ]; then
    IFS=: read -r -a entries <<<"$user_cp"
    for entry in "${entries[@]}"; do
      [ -n "$entry" ] || continue
      case "$entry" in /*) ;; *) entry="$PWD/$entry" ;; esac
      if [ "${entry##*/}" = "*" ]; then
        [ -d "${entry%/\*}" ] || { echo "baton run: --class-path: no such directory: ${entry%/\*}" >&2; exit 2; }
      elif [ ! -e "$entry" ]; then
        echo "baton run: --class-path: no such file or directory: $entry" >&2
        exit 2
      fi
      extra_cp="${extra_cp:+$extra_cp:}$entry"
    done
  fi

  # //DEPS group:artifact:version[:classifier] ... (JBang's form), one or more a line
  local deps=() line coordinate coordinates
  while IFS= read -r line; do
    line=${line#*//DEPS}
    read -r -a coordinates <<<"${line//,/ }"
    for coordinate in "${coordinates[@]}"; do
      if [[ ! "$coordinate" =~ ^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:[A-Za-z0-9_.+-]+(:[A-Za-z0-9_.-]+)?$ ]]; then
        echo "baton run: $file: //DEPS '$coordinate' is not a Maven coordinate: write group:artifact:version" \
             "(e.g. //DEPS org.apache.commons:commons-lang3:3.18.0)" >&2
        exit 2
      fi
      deps+=("$coordinate")
    done
  done < <(grep -E '^[[:space:]]*//DEPS([[:space:]]|$)' "$file" || true)
  if [ ${#deps[@]} -gt 0 ]; then
    local deps_cp
    deps_cp=$(baton_resolve_deps "$file" "${deps[@]}") || exit 1
    [ -z "$deps_cp" ] || extra_cp="${extra_cp:+$extra_cp:}$deps_cp"
  fi

  # Compiled to a jar in a cache rather than in memory (the JDK's source launcher): the worker JVMs of a
  # distributed executor load the script's classes from the class path, and the JVM archives classes from jars.
  # BATON_HOME/scripts/NAME-<hash of its path>/<hash of its text, class path, Baton's build and JDK>/
  local name versions key classes main
  name=$(basename "$file" .java)
  versions="$home/scripts/$name-$(readlink -f "$file" | sha256sum | cut -c1-8)"
  key=$( (cat "$file"; printf '\n%s\n%s\n%s\n' "$build_id" "$extra_cp" "$JAVA_HOME") | sha256sum | cut -c1-16)
  classes="$versions/$key"
  if [ ! -f "$classes/main-class" ] || [ ! -f "$classes/script.jar" ]; then
    mkdir -p "$classes"
    # the script's last three versions are kept (each with its JVM archive, about 15 MB): a flow still
    # running from an older one may start workers that load its classes
    find "$versions" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -printf '%T@ %p\n' | sort -rn | tail -n +3 \
      | cut -d' ' -f2- | while IFS= read -r old; do rm -rf "$old"; done
    if ! main=$("$JAVA" -cp "$cp" dev.baton.cli.ScriptCompiler "$classes/script.jar" \
                "$cp${extra_cp:+:$extra_cp}" "$file"); then
      rm -rf "$classes"
      exit 1
    fi
    printf '%s\n' "$main" >"$classes/main-class.tmp" && mv "$classes/main-class.tmp" "$classes/main-class"
  fi
  main=$(<"$classes/main-class")

  # what the JVMs that run Hazelcast (the distributed executor) need: one list, shared with local clusters
  # shellcheck source=scripts/jvm-options.sh
  . "$root/scripts/jvm-options.sh"
  local jvm_opts
  mapfile -t jvm_opts < <(baton_jvm_options "$root" "$BATON_JAVA_MAJOR" client)
  # the run store's SQLite driver loads a native library; allowed, so that the JVM does not warn
  jvm_opts+=(--enable-native-access=ALL-UNNAMED)
  # the JVM's class archive for this script (Baton's classes and the script's), written as its first run exits
  # Baton first: a library a //DEPS brings along cannot replace one of Baton's with another version
  local run_cp="$cp:$classes/script.jar${extra_cp:+:$extra_cp}"
  mapfile -t -O ${#jvm_opts[@]} jvm_opts < <(cds_options "$classes/jvm" "$run_cp")
  # shellcheck disable=SC2086
  exec "$JAVA" "${jvm_opts[@]}" ${BATON_JAVA_OPTS:-} -cp "$run_cp" "$main" "$@"
}

# baton_resolve_deps FILE COORDINATE...: prints the class path of the coordinates and what they depend on,
# resolved by Maven once per set of coordinates (cached under BATON_HOME/deps while every jar is there)
baton_resolve_deps() {
  local file=$1; shift
  local key dir jar ok=1 c g a v classifier
  key=$(printf '%s\n' "$@" | sort -u | sha256sum | cut -c1-16)
  dir="$home/deps/$key"
  if [ -f "$dir/classpath" ]; then
    local jars
    IFS=: read -r -a jars <"$dir/classpath"
    for jar in "${jars[@]}"; do [ -f "$jar" ] || ok=0; done
    if [ "$ok" = 1 ]; then
      cat "$dir/classpath"
      return 0
    fi
  fi
  mkdir -p "$dir"
  {
    printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
      '<!-- written by ./baton run for the //DEPS of a script: Maven resolves them and what they need -->' \
      '<project xmlns="http://maven.apache.org/POM/4.0.0">' '  <modelVersion>4.0.0</modelVersion>' \
      '  <groupId>dev.baton.script</groupId>' "  <artifactId>deps-$key</artifactId>" '  <version>0</version>' \
      '  <packaging>pom</packaging>' '  <dependencies>'
    for c in "$@"; do
      IFS=: read -r g a v classifier <<<"$c"
      printf '    <dependency><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version>%s</dependency>\n' \
        "$g" "$a" "$v" "${classifier:+<classifier>$classifier</classifier>}"
    done
    printf '%s\n' '  </dependencies>' '</project>'
  } >"$dir/pom.xml"
  echo "baton: resolving the //DEPS of $file: $* ..." >&2
  if ! "$root/mvnw" -B -f "$dir/pom.xml" \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile="$dir/classpath.tmp" -Dmdep.includeScope=runtime >"$dir/resolve.log" 2>&1; then
    echo "baton run: cannot resolve the //DEPS of $file ($*):" >&2
    # Maven's own words on what is missing, without its advice lines
    grep -E '^\[ERROR\] ' "$dir/resolve.log" | grep -vE '^\[ERROR\] *(->|$|To see|Re-run|For more|\[Help)' \
      | head -n 5 | sed 's/^\[ERROR\] */  /' >&2
    echo "  check each group:artifact:version (full log: $dir/resolve.log)" >&2
    rm -f "$dir/classpath"
    return 1
  fi
  # an empty file when there is nothing to add; otherwise one line of jars separated by ':'
  touch "$dir/classpath.tmp"
  mv "$dir/classpath.tmp" "$dir/classpath"
  cat "$dir/classpath"
}
