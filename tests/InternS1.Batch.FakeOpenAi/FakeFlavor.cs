namespace InternS1.Batch.FakeOpenAi;

/// <summary>Which server the fake imitates: field names, <c>owned_by</c>, usage shape, health, metrics and
/// abort endpoints, taken from shared/notes/remote-engines.md §1-§3 (independently of the client code).</summary>
public enum FakeFlavor
{
    /// <summary><c>owned_by: lmdeploy</c>; <c>reasoning_content</c>; usage with cached and
    /// <c>completion_tokens_details.reasoning_tokens</c>; <c>/health</c> JSON; <c>lmdeploy:*</c> metrics;
    /// <c>POST /abort_request {session_id}</c>.</summary>
    Lmdeploy,

    /// <summary><c>owned_by: vllm</c>; <c>reasoning</c>; usage without reasoning tokens (cached only when
    /// enabled); <c>/health</c>, <c>/version</c>; <c>vllm:*</c> metrics.</summary>
    Vllm,

    /// <summary><c>owned_by: sglang</c>; <c>reasoning_content</c>; top-level <c>usage.reasoning_tokens</c>;
    /// <c>sglang:*</c> metrics; <c>POST /abort_request {rid}</c>.</summary>
    Sglang,

    /// <summary><c>owned_by</c> = the model's namespace; <c>reasoning</c>; plain usage; <c>/api/version</c>;
    /// no metrics; thinking through <c>reasoning_effort</c>.</summary>
    Ollama,

    /// <summary>A generic server: <c>owned_by: organization-owner</c>, no reasoning field (reasoning stays in
    /// the content up to <c>&lt;/think&gt;</c>), plain usage, no health or metrics endpoints.</summary>
    OpenAi,
}
