#!/bin/sh
# Run a command, and run it again whenever it exits: `scripts/keep_running.sh celery -A config worker ...`.
#
# honcho (make run) stops every process as soon as one exits, so a worker that died would take the web
# server with it. Procfile.local runs the worker and beat under this loop instead. SIGINT or SIGTERM (Ctrl-C
# in honcho sends SIGTERM) stops the command and the loop at once. RESTART_DELAY: seconds between runs.
set -u

child=""

stop() {
    trap - INT TERM
    if [ -n "$child" ]; then
        kill -TERM "$child" 2>/dev/null
        wait "$child" 2>/dev/null
    fi
    exit "$1"
}
trap 'stop 130' INT
trap 'stop 143' TERM

while :; do
    # In the background, so that a signal runs the trap now rather than when the command ends.
    "$@" &
    child=$!
    wait "$child"
    status=$?
    echo "keep_running: '$*' exited with status $status; restarting in ${RESTART_DELAY:-2}s" >&2
    sleep "${RESTART_DELAY:-2}" &
    child=$!
    wait "$child"
    child=""
done
