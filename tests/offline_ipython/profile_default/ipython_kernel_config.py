# Test kernels keep no command history (nothing is written into the checkout).
c = get_config()  # noqa: F821
c.HistoryManager.enabled = False
