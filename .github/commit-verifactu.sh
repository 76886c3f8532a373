#!/bin/bash
# Commit verifactu/ with the message "$1" when it changed, and push it to the branch the workflow
# runs on. A push made since the checkout is taken in with a rebase and the push tried again, five
# times; records.jsonl is only ever appended to, so nothing written is lost.
set -e
[ -d verifactu ] || exit 0
git config user.name "github-actions[bot]"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
git add -- verifactu/
git diff --cached --quiet && exit 0
git commit --quiet -m "$1"
for attempt in 1 2 3 4 5; do
  if git pull --rebase --quiet origin "$GITHUB_REF_NAME" && git push --quiet origin "HEAD:$GITHUB_REF_NAME"; then
    exit 0
  fi
  git rebase --abort 2>/dev/null || true
  echo "push of the VERI*FACTU records failed (try $attempt of 5); trying again"
  sleep $((attempt * 5))
done
echo "::error::could not push the VERI*FACTU records after 5 tries"
exit 1
