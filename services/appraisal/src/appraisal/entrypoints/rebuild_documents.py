"""Re-render every stored appraisal document: `python -m appraisal.entrypoints.rebuild_documents`.

Run once after deploying a release that changes what GET /appraisals/<id> shows (its schema or fields).
"""
from staffroom_shared.log import configure_logging

from .. import bootstrap
from ..adapters.read_model import rebuild_all

if __name__ == "__main__":
    configure_logging(service=bootstrap.NAME)
    with bootstrap.build().uow(actor="rebuild-documents") as uow:
        print(f"re-rendered {rebuild_all(uow.session)} appraisal documents")
        uow.commit()
