// Tests share two cores with the clusters and processes they start, and metrics are process-wide:
// run them one collection at a time, so timings and counters belong to one test.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
