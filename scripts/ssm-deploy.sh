#!/usr/bin/env bash
# Deploys a conductor image tag to the conductor host through AWS Systems Manager, from CI or a laptop: finds the
# instance by tag, runs scripts/deploy-conductor.sh there with `aws ssm send-command` (AWS-RunShellScript), and
# polls the invocation for as long as the drain may take (the CLI's own waiter gives up after about 100 s), then
# prints the remote output. Needs ec2:DescribeInstances, ssm:SendCommand and ssm:GetCommandInvocation.
#
#   ssm-deploy.sh --tag TAG [--instance-tag Key=Value] [--instance-id ID] [--region REGION]
#                 [--drain-timeout SECONDS] [--timeout SECONDS] [--poll SECONDS]
#                 [--script PATH] [--archive PATH-ON-HOST]
#
# Exit codes: 0 deployed, 1 the remote deploy failed / timed out / was cancelled, 2 usage, 3 no single instance
# found or the command could not be sent, 4 still running when --timeout passed (it goes on on the host).
set -euo pipefail

tag="" instance_tag="Name=agent-conductor" instance_id="" region="" archive=""
drain_timeout=3600 timeout="" poll=10 delivery_timeout=600
script="/opt/agent-conductor/scripts/deploy-conductor.sh"

log() { printf '%s ssm-deploy: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { local code="$1"; shift; log "FAILED: $*" >&2; exit "$code"; }
usage() {
  echo "usage: ssm-deploy.sh --tag TAG [--instance-tag Key=Value] [--instance-id ID] [--region REGION] [--drain-timeout SECONDS]" >&2
  echo "                     [--timeout SECONDS] [--poll SECONDS] [--script PATH] [--archive PATH-ON-HOST]" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case "$1" in
    --tag) tag="$2" ;;
    --instance-tag) instance_tag="$2" ;;
    --instance-id) instance_id="$2" ;;
    --region) region="$2" ;;
    --drain-timeout) drain_timeout="$2" ;;
    --timeout) timeout="$2" ;;
    --poll) poll="$2" ;;
    --script) script="$2" ;;
    --archive) archive="$2" ;;
    *) usage ;;
  esac
  shift 2
done

# Everything below ends up inside a shell command on the host: only plain values are accepted.
[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || fail 2 "--tag '$tag' is not an image tag (letters, digits, _ . -)"
[[ "$instance_tag" =~ ^[A-Za-z0-9_.:/+@-]+=[A-Za-z0-9_.:/+@\ -]+$ ]] || fail 2 "--instance-tag must be Key=Value (got '$instance_tag')"
[ -z "$instance_id" ] || [[ "$instance_id" =~ ^(i|mi)-[0-9a-f]{8,17}$ ]] || fail 2 "--instance-id '$instance_id' is not an instance id"
[[ "$script" =~ ^/[A-Za-z0-9_./-]+$ ]] || fail 2 "--script must be an absolute path of plain characters"
[ -z "$archive" ] || [[ "$archive" =~ ^/[A-Za-z0-9_./-]+$ ]] || fail 2 "--archive must be an absolute path of plain characters"
[[ "$drain_timeout" =~ ^[0-9]+$ ]] || fail 2 "--drain-timeout is whole seconds"
[[ "$poll" =~ ^[0-9]+([.][0-9]+)?$ ]] || fail 2 "--poll is seconds"
# The host may pull images and start the new conductor after the drain: give the remote command that much more.
execution_timeout=$((drain_timeout + 900))
(( execution_timeout <= 172800 )) || fail 2 "--drain-timeout is too long: SSM runs a command for at most 48 hours"
timeout="${timeout:-$((execution_timeout + delivery_timeout + 60))}"
[[ "$timeout" =~ ^[0-9]+$ ]] || fail 2 "--timeout is whole seconds"

aws_() { aws ${region:+--region "$region"} "$@"; }

if [ -z "$instance_id" ]; then
  key="${instance_tag%%=*}" value="${instance_tag#*=}"
  ids="$(aws_ ec2 describe-instances \
    --filters "Name=tag:$key,Values=$value" "Name=instance-state-name,Values=running" \
    --query "Reservations[].Instances[].InstanceId" --output text)" || fail 3 "describe-instances failed"
  read -r -a found <<< "$ids"
  case "${#found[@]}" in
    1) instance_id="${found[0]}" ;;
    0) fail 3 "no running instance is tagged $instance_tag" ;;
    *) fail 3 "${#found[@]} running instances are tagged $instance_tag (${found[*]}): pass --instance-id" ;;
  esac
fi
log "conductor host: $instance_id"

command="$script --tag $tag --drain-timeout $drain_timeout${archive:+ --archive $archive}"
parameters="{\"commands\":[\"$command\"],\"executionTimeout\":[\"$execution_timeout\"]}"
command_id="$(aws_ ssm send-command \
  --instance-ids "$instance_id" \
  --document-name AWS-RunShellScript \
  --comment "agent-conductor deploy $tag" \
  --timeout-seconds "$delivery_timeout" \
  --parameters "$parameters" \
  --query "Command.CommandId" --output text)" || fail 3 "send-command failed"
log "sent: $command (command $command_id, execution timeout ${execution_timeout}s)"

# Polls until the invocation ends. Right after send-command the invocation may not exist yet, so errors are
# retried a few times in a row before giving up.
started=$SECONDS errors=0 last="" next_report=$SECONDS
while :; do
  if answer="$(aws_ ssm get-command-invocation --command-id "$command_id" --instance-id "$instance_id" \
      --query "[Status,StatusDetails,ResponseCode]" --output text 2>&1)"; then
    errors=0
    read -r status details <<< "$(printf '%s' "$answer" | cut -f1,2 | tr '\t' ' ')"
    code="$(printf '%s' "$answer" | cut -f3)"
    case "$status" in
      Success|Failed|TimedOut|Cancelled) break ;;
    esac
    if [ "$status" != "$last" ] || (( SECONDS >= next_report )); then
      log "$status ($details) after $((SECONDS - started))s"
      last="$status" next_report=$((SECONDS + 60))
    fi
  else
    errors=$((errors + 1))
    (( errors < 10 )) || fail 3 "get-command-invocation keeps failing: $answer"
    log "get-command-invocation: ${answer//$'\n'/ } (retrying)"
  fi
  if (( SECONDS - started >= timeout )); then
    fail 4 "still running after ${timeout}s; it goes on on the host: aws ssm get-command-invocation --command-id $command_id --instance-id $instance_id"
  fi
  sleep "$poll"
done

output() {
  aws_ ssm get-command-invocation --command-id "$command_id" --instance-id "$instance_id" --query "$1" --output text
}
log "$status ($details, exit code $code) after $((SECONDS - started))s; remote output:"
echo "----- stdout"
output StandardOutputContent || true
echo "----- stderr"
output StandardErrorContent || true
echo "-----"
[ "$status" = Success ] || fail 1 "the deploy on $instance_id ended $status ($details, exit code $code)"
log "deployed $tag on $instance_id"
