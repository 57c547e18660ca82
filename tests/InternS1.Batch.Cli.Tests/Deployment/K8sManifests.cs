using System.Text;
using InternS1.Batch.Cli.Tests.Dashboard;
using InternS1.Batch.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace InternS1.Batch.Cli.Tests.Deployment;

/// <summary>
/// The manifests of <c>ops/k8s</c> as kustomize reads them: the files the kustomization lists, each a stream of YAML
/// documents; and the Kubernetes rules the tests apply to them (a pod's environment from <c>envFrom</c> and
/// <c>env</c>, a Secret's keys from <c>stringData</c> and <c>data</c>).
/// </summary>
internal static class K8sManifests
{
    public static string Folder => Path.Combine(TestServices.RepositoryRoot, "ops", "k8s");

    /// <summary>The <c>resources</c> of <c>kustomization.yaml</c>, relative to <see cref="Folder"/>.</summary>
    public static IReadOnlyList<string> Resources()
    {
        var kustomization = Documents(Path.Combine(Folder, "kustomization.yaml")).Single();
        return GrafanaFiles.ListOf(kustomization.GetValueOrDefault("resources"), "kustomization.yaml resources").Cast<string>().ToList();
    }

    /// <summary>Every YAML document of <paramref name="path"/> (empty ones skipped).</summary>
    public static IReadOnlyList<Dictionary<object, object>> Documents(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var parser = new Parser(reader);
        var deserializer = new DeserializerBuilder().Build();
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize<Dictionary<object, object>?>(parser) is { } document)
                documents.Add(document);
        }
        return documents;
    }

    /// <summary>The example of the secrets the operator creates before <c>kubectl apply -k</c> (not a resource).</summary>
    public const string ExampleSecrets = "secret.example.yaml";

    /// <summary>Every object of every resource the kustomization lists, and the example secrets they read.</summary>
    public static IReadOnlyList<K8sObject> Objects() =>
        Resources().Append(ExampleSecrets).SelectMany(file => Documents(Path.Combine(Folder, file)).Select(d =>
        {
            var metadata = GrafanaFiles.MapOf(d.GetValueOrDefault("metadata"), $"{file} metadata");
            return new K8sObject(file, GrafanaFiles.Scalar(d, "kind", file), GrafanaFiles.Scalar(metadata, "name", $"{file} metadata"), d);
        })).ToList();

    public static K8sObject Single(IEnumerable<K8sObject> objects, string kind, string name)
    {
        var found = objects.Where(o => o.Kind == kind && o.Name == name).ToList();
        return found.Count == 1 ? found[0] : throw new Xunit.Sdk.XunitException(found.Count == 0
            ? $"no {kind} {name} in ops/k8s"
            : $"{kind} {name} is defined {found.Count} times in ops/k8s ({string.Join(", ", found.Select(o => o.File))})");
    }

    /// <summary>The keys and values of a Secret (<c>stringData</c>, and <c>data</c> base64-decoded) or a ConfigMap (<c>data</c>).</summary>
    public static Dictionary<string, string> Data(K8sObject o)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (o.Document.GetValueOrDefault("data") is Dictionary<object, object> data)
        {
            foreach (var (k, v) in data)
                values[(string)k] = o.Kind == "Secret" ? Encoding.UTF8.GetString(Convert.FromBase64String((string)v)) : (string)v;
        }
        if (o.Kind == "Secret" && o.Document.GetValueOrDefault("stringData") is Dictionary<object, object> stringData)
        {
            foreach (var (k, v) in stringData)
                values[(string)k] = (string)v;
        }
        return values;
    }

    /// <summary>The pod spec of a Job or Deployment.</summary>
    public static Dictionary<object, object> PodSpec(K8sObject o)
    {
        var spec = GrafanaFiles.MapOf(o.Document.GetValueOrDefault("spec"), $"{o.Kind} {o.Name} spec");
        var template = GrafanaFiles.MapOf(spec.GetValueOrDefault("template"), $"{o.Kind} {o.Name} spec.template");
        return GrafanaFiles.MapOf(template.GetValueOrDefault("spec"), $"{o.Kind} {o.Name} spec.template.spec");
    }

    /// <summary>The init containers and containers of a Job or Deployment.</summary>
    public static IReadOnlyList<Dictionary<object, object>> Containers(K8sObject o, bool init = false)
    {
        var pod = PodSpec(o);
        return pod.GetValueOrDefault(init ? "initContainers" : "containers") is List<object> list
            ? list.Select(c => GrafanaFiles.MapOf(c, $"{o.Kind} {o.Name} container")).ToList()
            : [];
    }

    /// <summary>The strings of a container's <paramref name="field"/> (<c>command</c> or <c>args</c>).</summary>
    public static IReadOnlyList<string> Strings(Dictionary<object, object> container, string field)
        => container.GetValueOrDefault(field) is List<object> list ? list.Cast<string>().ToList() : [];

    /// <summary>The (kind, name) of every Secret and ConfigMap a container reads: <c>envFrom</c> and <c>env[].valueFrom</c>,
    /// with the key for the latter (null for a whole <c>envFrom</c>).</summary>
    public static IEnumerable<(string Kind, string Name, string? Key)> References(Dictionary<object, object> container)
    {
        foreach (var source in container.GetValueOrDefault("envFrom") as List<object> ?? [])
        {
            var from = GrafanaFiles.MapOf(source, "envFrom");
            if (from.GetValueOrDefault("secretRef") is Dictionary<object, object> secret)
                yield return ("Secret", GrafanaFiles.Scalar(secret, "name", "envFrom.secretRef"), null);
            if (from.GetValueOrDefault("configMapRef") is Dictionary<object, object> map)
                yield return ("ConfigMap", GrafanaFiles.Scalar(map, "name", "envFrom.configMapRef"), null);
        }
        foreach (var entry in container.GetValueOrDefault("env") as List<object> ?? [])
        {
            var variable = GrafanaFiles.MapOf(entry, "env");
            if (variable.GetValueOrDefault("valueFrom") is not Dictionary<object, object> valueFrom)
                continue;
            if (valueFrom.GetValueOrDefault("secretKeyRef") is Dictionary<object, object> secret)
                yield return ("Secret", GrafanaFiles.Scalar(secret, "name", "secretKeyRef"), GrafanaFiles.Scalar(secret, "key", "secretKeyRef"));
            if (valueFrom.GetValueOrDefault("configMapKeyRef") is Dictionary<object, object> map)
                yield return ("ConfigMap", GrafanaFiles.Scalar(map, "name", "configMapKeyRef"), GrafanaFiles.Scalar(map, "key", "configMapKeyRef"));
        }
    }

    /// <summary>The environment Kubernetes gives <paramref name="container"/>: every <c>envFrom</c> source in order,
    /// then <c>env</c> (which wins).</summary>
    public static Dictionary<string, string> Environment(IReadOnlyList<K8sObject> objects, Dictionary<object, object> container)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.GetValueOrDefault("envFrom") as List<object> ?? [])
        {
            var from = GrafanaFiles.MapOf(source, "envFrom");
            var (kind, reference) = from.GetValueOrDefault("secretRef") is Dictionary<object, object> s ? ("Secret", s) : ("ConfigMap", GrafanaFiles.MapOf(from["configMapRef"], "envFrom"));
            foreach (var (k, v) in Data(Single(objects, kind, GrafanaFiles.Scalar(reference, "name", "envFrom"))))
                env[k] = v;
        }
        foreach (var entry in container.GetValueOrDefault("env") as List<object> ?? [])
        {
            var variable = GrafanaFiles.MapOf(entry, "env");
            var name = GrafanaFiles.Scalar(variable, "name", "env");
            if (variable.GetValueOrDefault("value") is string value)
                env[name] = value;
            else if (variable.GetValueOrDefault("valueFrom") is Dictionary<object, object> valueFrom)
            {
                var (kind, reference) = valueFrom.GetValueOrDefault("secretKeyRef") is Dictionary<object, object> s ? ("Secret", s) : ("ConfigMap", GrafanaFiles.MapOf(valueFrom["configMapKeyRef"], "valueFrom"));
                env[name] = Data(Single(objects, kind, GrafanaFiles.Scalar(reference, "name", "valueFrom")))[GrafanaFiles.Scalar(reference, "key", "valueFrom")];
            }
        }
        return env;
    }
}
