using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Worker.Execution;
using InternS1.Engine.Requests;

namespace InternS1.Batch.Tests.Unit;

public class EngineRejectionsTests
{
    [Fact]
    public void Every_engine_rejection_reason_maps_to_a_dead_letter_reason_code()
    {
        foreach (var reason in Enum.GetValues<RejectionReason>())
            Assert.Contains(EngineRejections.ToFailureReason(reason), FailureReasons.All);
    }

    [Theory]
    [InlineData(RejectionReason.PromptTooLong, "prompt_too_long")]
    [InlineData(RejectionReason.InvalidField, "invalid_field")]
    [InlineData(RejectionReason.InvalidSampling, "invalid_sampling")]
    public void Each_engine_rejection_reason_keeps_its_documented_code(RejectionReason reason, string code)
    {
        Assert.Equal(code, EngineRejections.ToFailureReason(reason));
    }

    [Fact]
    public void A_value_outside_the_enum_is_refused_rather_than_given_a_code()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EngineRejections.ToFailureReason((RejectionReason)99));
    }
}
