namespace InternS1.Batch.Cli.Tests.Deployment;

/// <summary>One object of <c>ops/k8s</c>: the file it is in, its kind and name, and the document as plain maps and lists
/// (every scalar a string, as YamlDotNet reads untyped YAML).</summary>
internal sealed record K8sObject(string File, string Kind, string Name, Dictionary<object, object> Document);
