"""The clean room of `backprop-hw audit` (see grading/audit.py): the student's functions in a
process of their own, the hidden checks in the audit's.

protocol.py  what crosses between the two ends, and how (both ends load it)
student.py   the student's process, run as a script, without the backprop_hw package
process.py   the audit's end: a student's process called through its pipes, within the limits
room.py      one submission: its imports and definitions there, the checks here, cell by cell
pool.py      many submissions in worker processes, a worker's death costing one file alone
report.py    the results beside the notebook grade, and their report
"""
