using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Worker.Preparation;
using InternS1.Media;

namespace InternS1.Batch.Tests.Unit;

public class MediaFailureReasonsTests
{
    [Fact]
    public void Every_media_failure_kind_maps_to_a_code_of_the_one_vocabulary()
    {
        foreach (var kind in Enum.GetValues<MediaErrorKind>())
            Assert.Contains(MediaFailureReasons.For(kind), FailureReasons.All);
    }

    [Fact]
    public void No_two_media_failure_kinds_share_a_reason_code()
    {
        var kinds = Enum.GetValues<MediaErrorKind>();
        Assert.Equal(kinds.Length, kinds.Select(MediaFailureReasons.For).Distinct().Count());
    }

    [Theory]
    // Expected codes as the README's job-format section documents them.
    [InlineData(MediaErrorKind.Unreadable, "media_unreadable")]
    [InlineData(MediaErrorKind.TooLarge, "media_too_large")]
    [InlineData(MediaErrorKind.Forbidden, "media_forbidden")]
    [InlineData(MediaErrorKind.Timeout, "media_timeout")]
    public void Each_media_failure_kind_has_its_documented_code(MediaErrorKind kind, string code)
        => Assert.Equal(code, MediaFailureReasons.For(new MediaException(kind, "detail", "messages[0].content[0]")));

    [Fact]
    public void A_kind_without_a_code_is_refused_rather_than_defaulted()
        => Assert.Throws<ArgumentOutOfRangeException>(() => MediaFailureReasons.For((MediaErrorKind)99));
}
