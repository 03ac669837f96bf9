using Alerts.Grains.Files;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Tests.Files;

public sealed class FileStateTests
{
    [Fact]
    public void Sums_the_segments_and_keeps_the_lowest_lines_of_their_samples_whatever_order_they_report_in()
    {
        var state = new FileState { Size = 3_000, Segments = [Entry(0, 1_000), Entry(1_000, 2_000), Entry(2_000, 3_000)] };

        state.Apply(2, Progress(2_500, invalid: [2_001, 2_002], dead: Enumerable.Range(2_100, 80)), invalidRowSample: 3);
        state.Apply(0, Progress(1_000, invalid: [5], dead: Enumerable.Range(10, 60)), invalidRowSample: 3);
        state.Apply(0, Progress(1_000, invalid: [5], dead: Enumerable.Range(10, 60)), invalidRowSample: 3); // the same again

        Assert.Equal([5L, 2_001L, 2_002L], state.InvalidRows.Select(r => r.Line));
        Assert.Equal(FileState.DeadLetterSample, state.DeadLetters.Count);
        Assert.Equal(Enumerable.Range(10, 60).Concat(Enumerable.Range(2_100, 40)).Select(n => (long)n), state.DeadLetters.Select(d => d.Line));
        Assert.Equal(140, state.Counts.DeadLettered); // summed over the segments
        Assert.Equal(1_000 + 500, state.BytesRead);
        Assert.Equal((0L, 0L), (state.Segments[0].Progress.InvalidRows.Count, (long)state.Segments[0].Progress.DeadLetters.Count)); // samples are not kept twice
    }

    [Fact]
    public void Dead_letters_of_a_round_before_the_files_are_not_shown_and_their_segment_lags_until_retried()
    {
        var state = new FileState { RetryRound = 1, Segments = [Entry(0, 100)] };

        state.Apply(0, Progress(100, dead: [7], round: 0), invalidRowSample: 100);

        Assert.Empty(state.DeadLetters);
        Assert.True(state.Lags(state.Segments[0]));
        state.Apply(0, Progress(100, round: 1), invalidRowSample: 100);
        Assert.False(state.Lags(state.Segments[0]));
    }

    [Fact]
    public void Segments_start_while_few_read_and_until_twice_as_many_are_unsettled()
    {
        var state = new FileState { Status = FileStatus.Reading, Size = 1_000 };
        SegmentEntry With(SegmentStatus status) => Entry(0, 1) with { Progress = new SegmentProgress { Status = status } };

        state.Segments = [.. Enumerable.Repeat(With(SegmentStatus.Reading), 3)];
        Assert.True(state.MayStartSegment(parallel: 4));
        state.Segments.Add(With(SegmentStatus.Reading));
        Assert.False(state.MayStartSegment(parallel: 4)); // four reading

        // Segments smaller than a window finish reading at once: their unconfirmed alerts still count.
        state.Segments = [.. Enumerable.Repeat(With(SegmentStatus.Delivering), 7)];
        Assert.True(state.MayStartSegment(parallel: 4));
        state.Segments.Add(With(SegmentStatus.Delivering));
        Assert.False(state.MayStartSegment(parallel: 4)); // eight unsettled
        state.Segments.AddRange(Enumerable.Repeat(With(SegmentStatus.Completed), 20));
        state.Segments[0] = With(SegmentStatus.Completed);
        Assert.True(state.MayStartSegment(parallel: 4)); // settled ones do not count

        state.Segments.Add(Entry(1, 1_000) with { Progress = new SegmentProgress { Status = SegmentStatus.Completed } });
        Assert.False(state.MayStartSegment(parallel: 4)); // the whole file is planned
    }

    private static SegmentEntry Entry(long start, long end) => new(start, end, 0, 0, new SegmentProgress { Status = SegmentStatus.Reading, NextOffset = start });

    private static SegmentProgress Progress(long nextOffset, IEnumerable<int>? invalid = null, IEnumerable<int>? dead = null, int round = 0)
    {
        var deadLetters = (dead ?? []).Select(line => new DeadLetter(line, 400, "refused")).ToList();
        return new SegmentProgress
        {
            Status = SegmentStatus.Completed,
            Round = round,
            NextOffset = nextOffset,
            InvalidRows = [.. (invalid ?? []).Select(line => new InvalidRow(line, "bad"))],
            DeadLetters = deadLetters,
            Counts = new Counts(0, 0, 0, 0, 0, deadLetters.Count),
        };
    }
}
