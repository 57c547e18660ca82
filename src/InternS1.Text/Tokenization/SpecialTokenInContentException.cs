namespace InternS1.Text.Tokenization;

/// <summary>Content text contains the text of an added or special token and the policy is
/// <see cref="SpecialTokenPolicy.Reject"/>. The message names the field (<see cref="Field"/>) and the token.</summary>
public sealed class SpecialTokenInContentException(string field, string token)
    : Exception($"{field}: contains the special token {token}, which only the chat template may produce")
{
    /// <summary>The field the text came from (<see cref="ContentSpan.Source"/>), e.g. <c>messages[1].content</c>.</summary>
    public string Field { get; } = field;

    /// <summary>The token text found.</summary>
    public string Token { get; } = token;
}
