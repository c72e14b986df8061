from . import collection_case
