from . import collection_aging_report
