from . import collection_case
from . import collection_demo
