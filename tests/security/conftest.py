"""The security suite's kit (fuzzkit: apps on SQLite or PostgreSQL, seeded through their own APIs) is a module
beside the tests."""
import sys
from pathlib import Path

HERE = Path(__file__).parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
