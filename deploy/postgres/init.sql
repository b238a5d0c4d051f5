-- Run once by the postgres image, as POSTGRES_USER, when the data volume is
-- first initialised. One database per service: no service reads another's
-- tables. A service added after the volume exists needs its CREATE DATABASE
-- run by hand (see docs/production.md).
CREATE DATABASE directory;
CREATE DATABASE appraisal;
CREATE DATABASE cpd;
CREATE DATABASE wellbeing;
CREATE DATABASE notifications;
CREATE DATABASE targets;

-- Only the owner (POSTGRES_USER) may connect; nothing else gets in by default.
REVOKE CONNECT, TEMPORARY ON DATABASE directory, appraisal, cpd, wellbeing, notifications, targets FROM PUBLIC;
