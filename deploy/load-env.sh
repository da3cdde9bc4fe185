# Sourced by manage.sh, backup.sh and restore.sh: load_env FILE exports its KEY=value lines the way systemd's
# EnvironmentFile= reads them — literally, so a SECRET_KEY with $, <, ; or spaces needs no shell quoting.
load_env() {
  local line key value
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    case "$line" in ''|'#'*|';'*) continue ;; esac
    [[ "$line" == *=* ]] || continue
    key=${line%%=*}
    key=${key#export }
    key=${key//[[:space:]]/}
    value=${line#*=}
    if [[ "$value" == \"*\" && ${#value} -ge 2 ]] || [[ "$value" == \'*\' && ${#value} -ge 2 ]]; then
      value=${value:1:${#value}-2}
    fi
    [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    export "$key=$value"
  done < "$1"
}
