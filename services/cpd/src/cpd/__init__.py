"""CPD service: professional development, personal development plans, future leaders, training agreements."""
