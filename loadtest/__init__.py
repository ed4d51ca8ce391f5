"""`make load` and `make faults`: the whole stack on this machine, driven by locust, checked afterwards.

stack.py      private PostgreSQL and Redis, gunicorn (2 workers), one Celery worker and beat
seed.py       the accounts and case files the simulated people use, written through the services
locustfile.py what the simulated people do; it records every write the site acknowledged
report.py     figures from locust's samples, the lost-write count, printing and JSON
run_load.py   `make load`
run_faults.py `make faults`
"""
