namespace InternS1.Batch.Remote.Concurrency;

/// <summary>The load a server reports in its Prometheus <c>/metrics</c>: requests queued and running
/// (summed over every label set of the flavor's gauges).</summary>
/// <param name="Waiting">e.g. <c>vllm:num_requests_waiting</c>, <c>lmdeploy:num_requests_waiting</c>, <c>sglang:num_queue_reqs</c>.</param>
/// <param name="Running">e.g. <c>vllm:num_requests_running</c>, <c>lmdeploy:num_requests_running</c>, <c>sglang:num_running_reqs</c>.</param>
public readonly record struct ServerLoad(int Waiting, int Running);
