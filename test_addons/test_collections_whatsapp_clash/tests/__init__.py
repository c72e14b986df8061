from . import test_clash
