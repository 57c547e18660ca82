namespace InternS1.Batch.Remote.Responses;

/// <summary>Where <see cref="RemoteCompletion.Reasoning"/> came from.</summary>
public enum ReasoningSource
{
    /// <summary>No reasoning field was streamed: the reasoning, if any, is still inside
    /// <see cref="RemoteCompletion.Content"/> (ending at <c>&lt;/think&gt;</c>) and the caller splits it with
    /// its own parser (a server without a reasoning parser, e.g. the model card's vLLM command).</summary>
    None,

    /// <summary>The <c>reasoning</c> delta field (vLLM since 0.11, Ollama).</summary>
    ReasoningField,

    /// <summary>The <c>reasoning_content</c> delta field (LMDeploy, SGLang, older vLLM).</summary>
    ReasoningContentField,
}
