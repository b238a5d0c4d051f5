# Sourced by validate.sh and e2e.sh (which set $repo, $work and $image_venv): the Dockerfiles' pip lines, run in
# $image_venv on a copy of what they COPY; the repository is untouched. Like Docker reusing a layer whose inputs
# did not change, the packages are installed again only when the copy differs from what the venv was last
# installed from (a fingerprint of every file of the copy), so the second script of a run reuses the first's.
image_install() {
    mkdir -p "$work/ctx/services"
    cp "$repo/requirements.lock" "$work/ctx/"
    cp -r "$repo/shared" "$work/ctx/shared"
    local svc
    for svc in directory appraisal cpd wellbeing notifications targets; do
        cp -r "$repo/services/$svc" "$work/ctx/services/$svc"
    done
    cp -r "$repo/portal" "$work/ctx/portal"
    find "$work/ctx" \( -name '*.egg-info' -o -name __pycache__ -o -name build -o -name tests \) -prune -exec rm -rf {} +
    if [[ ! -x $image_venv/bin/gunicorn ]]; then
        python3 -m venv "$image_venv"
        "$image_venv/bin/pip" install -q --no-cache-dir -r "$work/ctx/requirements.lock"
    fi
    local stamp
    stamp=$(cd "$work/ctx" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
    if [[ $(cat "$image_venv/.staffroom-sources" 2>/dev/null) == "$stamp" ]]; then
        echo "$image_venv was installed from these very sources (${stamp:0:12}): not installed again"
        return
    fi
    rm -f "$image_venv/.staffroom-sources"
    "$image_venv/bin/pip" install -q --no-cache-dir --no-deps --force-reinstall "$work/ctx/shared" \
        "$work/ctx/services/directory" "$work/ctx/services/appraisal" "$work/ctx/services/cpd" \
        "$work/ctx/services/wellbeing" "$work/ctx/services/notifications" "$work/ctx/services/targets" \
        "$work/ctx/portal"
    echo "$stamp" > "$image_venv/.staffroom-sources"
}
