-- The scheduled re-evaluation of time-dependent segments is claimed through this row, so one
-- instance runs it per period (see TimeDependentSchedule).
INSERT INTO scheduled_run (name, last_run_at) VALUES ('time_dependent', '-infinity');
