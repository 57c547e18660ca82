-- Down of CancellationsAndOperationsViews: the operations views go (the cancellations table is dropped by the migration).
DROP VIEW IF EXISTS job_outputs;
DROP VIEW IF EXISTS dead_letter_messages;
DROP VIEW IF EXISTS dataset_tokens;
DROP VIEW IF EXISTS dataset_rates;
