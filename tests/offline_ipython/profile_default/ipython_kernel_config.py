# Test kernels keep their command history in memory only (nothing is written
# into the checkout).  Not HistoryManager.enabled = False: with history off,
# ipykernel 7.4's shutdown often races (the control thread's last "idle"
# status blocks on the stopped IOPub thread) and the kernel is only killed
# after half of jupyter_client's shutdown_wait_time, about 3 s later.
c = get_config()  # noqa: F821
c.HistoryManager.hist_file = ":memory:"
