-- lets the harness drive POST/PUT with wrk
wrk.method = os.getenv("WRK_METHOD") or "GET"
