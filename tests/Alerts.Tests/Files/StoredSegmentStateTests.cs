using Alerts.Grains.Files;
using Alerts.Grains.Files.Segments;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Alerts.Tests.Files;

/// <summary>
/// State saved before <see cref="Counts"/> and <see cref="SegmentStatus"/> existed kept the six counts as fields of their
/// own and a segment's status as a <see cref="FileStatus"/>; it is read into them through the same serializer grain
/// storage uses, and state saved since reads back the same.
/// </summary>
public sealed class StoredSegmentStateTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
    private static readonly Counts Sample = new(Rows: 10, Valid: 9, Invalid: 1, DuplicateRows: 2, Delivered: 5, DeadLettered: 1);

    // As grain storage does: written as the type declared, read as the type declared now.
    private static T ReadAs<T>(object stored) => Serializer.Deserialize<T>(Serializer.SerializeToArray(stored))!;

    [Fact]
    public void A_segment_saved_with_six_fields_and_a_file_status_reads_its_counts_and_status()
    {
        var before = new SegmentStateBeforeCounts
        {
            Status = FileStatus.Delivering,
            NextOffset = 640,
            Rows = 10, Valid = 9, Invalid = 1, DuplicateRows = 2, Delivered = 5, DeadLettered = 1,
            RetryRound = 3,
        };

        var read = ReadAs<SegmentState>(before);

        Assert.Equal((SegmentStatus.Delivering, 640L, 3), (read.Status, read.NextOffset, read.RetryRound));
        Assert.Equal(Sample, read.Counts);
        read.Count(7, DispatchOutcome.Delivered, 200, null); // counting goes on from what was stored
        Assert.Equal(Sample with { Delivered = 6 }, read.Counts);
    }

    [Fact]
    public void A_files_segment_progress_saved_with_six_fields_and_a_file_status_reads_its_counts_and_status()
    {
        var before = new SegmentProgressBeforeCounts
        {
            Status = FileStatus.Completed,
            Rows = 10, Valid = 9, Invalid = 1, DuplicateRows = 2, Delivered = 5, DeadLettered = 1,
        };

        var read = ReadAs<SegmentProgress>(before);

        Assert.Equal(SegmentStatus.Completed, read.Status);
        Assert.Equal(Sample, read.Counts);
        Assert.Equal(Sample + Sample, new FileState { Segments = [new(0, 1, 0, 0, read), new(1, 2, 0, 0, read)] }.Counts);
    }

    [Fact]
    public void Counts_saved_now_read_back_the_same()
    {
        var state = new SegmentState { Counts = Sample };
        var progress = new SegmentProgress { Counts = Sample };

        Assert.Equal(Sample, ReadAs<SegmentState>(state).Counts);
        Assert.Equal(Sample, ReadAs<SegmentProgress>(progress).Counts);
    }
}

/// <summary>The stored shape of a segment before <see cref="Counts"/> and <see cref="SegmentStatus"/>, by field id.</summary>
[GenerateSerializer, Alias("alerts.tests.SegmentStateBeforeCounts")]
public sealed class SegmentStateBeforeCounts
{
    [Id(1)] public FileStatus Status { get; set; }
    [Id(3)] public long NextOffset { get; set; }
    [Id(5)] public long Rows { get; set; }
    [Id(6)] public long Valid { get; set; }
    [Id(7)] public long Invalid { get; set; }
    [Id(8)] public long DuplicateRows { get; set; }
    [Id(9)] public long Delivered { get; set; }
    [Id(10)] public long DeadLettered { get; set; }
    [Id(14)] public int RetryRound { get; set; }
}

/// <summary>The stored shape of a segment's progress (in its file's state) before <see cref="Counts"/> and <see cref="SegmentStatus"/>, by field id.</summary>
[GenerateSerializer, Alias("alerts.tests.SegmentProgressBeforeCounts")]
public sealed record SegmentProgressBeforeCounts
{
    [Id(0)] public FileStatus Status { get; set; }
    [Id(3)] public long Rows { get; set; }
    [Id(4)] public long Valid { get; set; }
    [Id(5)] public long Invalid { get; set; }
    [Id(6)] public long DuplicateRows { get; set; }
    [Id(7)] public long Delivered { get; set; }
    [Id(8)] public long DeadLettered { get; set; }
}
