"""Staffroom's web portal: server-rendered pages over the services' APIs."""
