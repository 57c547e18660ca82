namespace InternS1.Text.Tokenization;

/// <summary>A tokenizer file in the model folder is missing or malformed; the message names the file and field.</summary>
public sealed class TokenizerFilesException(string message, Exception? inner = null) : Exception(message, inner);
