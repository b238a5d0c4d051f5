"""Notifications' domain events: none. It publishes no contract of its own: it turns the other services' events
into messages and emails, and what it keeps changes no one else's records. (Its answer to a subject access request
is sent by the shared answerer, as every service's is.) So its unit of work's contract table is empty, and an
event recorded here without a contract would fail the commit rather than vanish."""
