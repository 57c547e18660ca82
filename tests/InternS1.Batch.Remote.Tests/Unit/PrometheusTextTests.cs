using InternS1.Batch.Remote.Health;

namespace InternS1.Batch.Remote.Tests.Unit;

public class PrometheusTextTests
{
    private const string Sample = """
        # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
        # TYPE vllm:num_requests_waiting gauge
        vllm:num_requests_waiting{engine="0",model_name="internlm/Intern-S1"} 3.0
        vllm:num_requests_waiting{engine="1",model_name="a}b \"quoted\""} 2.0
        vllm:num_requests_waiting_total{engine="0"} 99.0
        vllm:num_requests_running 7 1700000000000
        sglang:num_queue_reqs NaN
        """;

    [Fact]
    public void Samples_of_every_label_set_are_summed_and_longer_names_are_not_counted()
    {
        Assert.Equal(5.0, PrometheusText.Sum(Sample, "vllm:num_requests_waiting"));
    }

    [Fact]
    public void A_sample_without_labels_and_with_a_timestamp_is_read()
    {
        Assert.Equal(7.0, PrometheusText.Sum(Sample, "vllm:num_requests_running"));
    }

    [Fact]
    public void A_missing_or_non_finite_gauge_gives_null()
    {
        Assert.Null(PrometheusText.Sum(Sample, "lmdeploy:num_requests_waiting"));
        Assert.Null(PrometheusText.Sum(Sample, "sglang:num_queue_reqs"));
    }
}
