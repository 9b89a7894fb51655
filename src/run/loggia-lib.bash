# loggia-lib.bash: helpers sourced by every loggia build and run script.
# Written by loggia into <working_dir>/share/; do not edit (it is rewritten on every run).

# Appends a state line to this test's status file (the run directory is the parent of build/).
_loggia_status() {
    local state=$1; shift
    local dir=${LOGGIA_TEST_DIR:-..}
    printf '%s %s %s\n' "$(date +%s.%6N)" "$state" "$*" >> "$dir/status"
}

# is_module_loaded <module[/version]> <test id>: fails the test with ENV_FAILED unless loaded.
is_module_loaded() {
    local mod=$1
    if ! module -t list 2>&1 | grep -qE "^${mod}(/|$)"; then
        _loggia_status ENV_FAILED "module ${mod} was not loaded"
        exit 1
    fi
}

# is_module_unloaded <module[/version]> <test id>: fails the test with ENV_FAILED if loaded.
is_module_unloaded() {
    local mod=$1
    if module -t list 2>&1 | grep -qE "^${mod}(/|$)"; then
        _loggia_status ENV_FAILED "module ${mod} was not unloaded"
        exit 1
    fi
}
