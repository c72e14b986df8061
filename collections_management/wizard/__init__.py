from . import collection_run_wizard
