# Sourced (bash) by ./baton and benchmarks/run. The JVM options of the JVMs that run Hazelcast come
# from one file, baton-hazelcast/src/main/resources/dev/baton/hazelcast/jvm-options, which local
# clusters read too (dev.baton.hazelcast.JvmOptions); see its head for the format.

# baton_jvm_options ROOT MAJOR worker|client: prints the options for Java MAJOR, one per line
baton_jvm_options() {
  local file="$1/baton-hazelcast/src/main/resources/dev/baton/hazelcast/jvm-options" major=$2 role=$3 line words i applies
  [ -f "$file" ] || { echo "baton: $file is missing" >&2; return 1; }
  while IFS= read -r line || [ -n "$line" ]; do
    read -r -a words <<<"$line"
    [ ${#words[@]} -gt 0 ] && [ "${words[0]:0:1}" != "#" ] || continue
    applies=1
    for ((i = 0; i < ${#words[@]} - 1; i++)); do
      case "${words[i]}" in
        worker) [ "$role" = worker ] || applies=0 ;;
        java*+) local v=${words[i]#java}; [ "$major" -ge "${v%+}" ] || applies=0 ;;
        *) echo "baton: $file: unknown condition '${words[i]}'" >&2; return 1 ;;
      esac
    done
    [ "$applies" = 1 ] && printf '%s\n' "${words[${#words[@]}-1]}"
  done <"$file"
  return 0
}
