# syntax=docker/dockerfile:1
# The image of any one Staffroom service (directory, appraisal, cpd, wellbeing, notifications, targets). Build from
# the repository root, naming the service:
#   docker build -f deploy/service.Dockerfile --build-arg SERVICE=appraisal -t staffroom/appraisal .
# One image runs all the service's processes; the command picks which:
#   web (default: gunicorn -c deploy/gunicorn.conf.py, serving "$SERVICE.entrypoints.web:create_app()")
#   | python -m <service>.entrypoints.migrate | .relay | .consumer | .scheduler [--every 86400] | ... (the service's
#   entrypoints/ folder lists them; the directory has no consumer or scheduler)
FROM python:3.11-slim

ARG SERVICE
RUN test -n "$SERVICE" || { echo "build with --build-arg SERVICE=<directory|appraisal|cpd|wellbeing|notifications|targets>" >&2; exit 1; }

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STAFFROOM_SERVICE=${SERVICE}

RUN groupadd --system --gid 10001 staffroom \
 && useradd --system --uid 10001 --gid staffroom --no-create-home --home-dir /app --shell /usr/sbin/nologin staffroom

WORKDIR /app

# Third-party pins first, in their own layer, so code changes rebuild fast.
COPY requirements.lock /tmp/build/requirements.lock
RUN pip install --no-cache-dir -r /tmp/build/requirements.lock

# Installed as packages, then the sources are dropped: the image must run
# from what the wheels contain (migrations included), as it will in production.
COPY shared /tmp/build/shared
COPY services/${SERVICE} /tmp/build/services/${SERVICE}
RUN pip install --no-cache-dir --no-deps /tmp/build/shared /tmp/build/services/${SERVICE} \
 && rm -rf /tmp/build

COPY deploy/gunicorn.conf.py /app/deploy/gunicorn.conf.py

USER 10001:10001
EXPOSE 8000
# gunicorn.conf.py serves STAFFROOM_SERVICE's web app
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
