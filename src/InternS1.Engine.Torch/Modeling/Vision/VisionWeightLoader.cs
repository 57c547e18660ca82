using System.Reflection;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>
/// Puts checkpoint tensors into a module whose <c>named_parameters()</c> are the checkpoint names
/// relative to a prefix (<c>model.vision_tower.</c>, <c>model.multi_modal_projector.</c>). Every
/// parameter is replaced by a fresh copy in the requested dtype and device, without autograd, so the
/// module can be built on <c>torch.META</c> first (nothing allocated, no random init) and the source
/// tensors stay the caller's. Mismatches fail with a <see cref="VisionWeightsException"/> naming the tensors.
/// </summary>
public static class VisionWeightLoader
{
    /// <summary>Checkpoint prefix of the vision tower.</summary>
    public const string VisionTowerPrefix = "model.vision_tower.";

    /// <summary>Checkpoint prefix of the projector.</summary>
    public const string ProjectorPrefix = "model.multi_modal_projector.";

    /// <summary>
    /// Loads from an in-memory dictionary keyed by full checkpoint names (other prefixes are ignored).
    /// All names, shapes and dtypes are checked before anything changes: on error the module is untouched.
    /// The dictionary's tensors are copied, never disposed.
    /// </summary>
    public static void Load(nn.Module module, string prefix, IReadOnlyDictionary<string, Tensor> tensors,
        ScalarType dtype, Device? device = null)
    {
        var expected = Expected(module);
        CheckNames(prefix, expected, tensors.Keys);
        var misshaped = expected
            .Select(e => Problem(prefix + e.Name, e.Shape, tensors[prefix + e.Name]))
            .OfType<string>().ToList();
        if (misshaped.Count > 0)
            throw new VisionWeightsException(prefix, [], [], misshaped);
        Assign(module, expected, name => tensors[prefix + name], dtype, device);
    }

    /// <summary>
    /// Loads tensor by tensor: <paramref name="availableNames"/> are all names in the checkpoint (used to
    /// report missing and unexpected names before reading anything); <paramref name="read"/> returns the
    /// tensor for a full name, and the loader disposes what it returns after copying it. A shape or dtype
    /// error is reported after all tensors were read; the module must then be discarded.
    /// </summary>
    public static void Load(nn.Module module, string prefix, IEnumerable<string> availableNames, Func<string, Tensor> read,
        ScalarType dtype, Device? device = null)
    {
        var expected = Expected(module);
        CheckNames(prefix, expected, availableNames);
        var misshaped = new List<string>();
        foreach (var (name, shape) in expected)
        {
            var source = read(prefix + name);
            try
            {
                var problem = Problem(prefix + name, shape, source);
                if (problem is not null) misshaped.Add(problem);
                else if (misshaped.Count == 0) Assign(module, [(name, shape)], _ => source, dtype, device);
            }
            finally
            {
                source.Dispose();
            }
        }
        if (misshaped.Count > 0)
            throw new VisionWeightsException(prefix, [], [], misshaped);
    }

    /// <summary>
    /// Replaces every parameter of <paramref name="module"/> (typically built on <c>torch.META</c>) by
    /// uninitialised storage of the same shape in <paramref name="dtype"/> on <paramref name="device"/>
    /// (CPU by default), so an in-place, tensor-by-tensor loader such as <c>WeightLoader</c> can fill it
    /// without the module ever paying for random initialisation.
    /// </summary>
    public static void Materialize(nn.Module module, ScalarType dtype, Device? device = null)
    {
        var owners = Owners(module);
        using var noGrad = no_grad();
        foreach (var (name, shape) in Expected(module))
        {
            using var scope = NewDisposeScope();
            Replace(owners, name, empty(shape, dtype, device ?? CPU));
        }
    }

    private static List<(string Name, long[] Shape)> Expected(nn.Module module) =>
        module.named_parameters().Select(p => (p.name, p.parameter.shape)).ToList();

    private static void CheckNames(string prefix, List<(string Name, long[] Shape)> expected, IEnumerable<string> available)
    {
        var availableUnderPrefix = available.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToHashSet();
        var expectedFull = expected.Select(e => prefix + e.Name).ToList();
        var missing = expectedFull.Where(n => !availableUnderPrefix.Contains(n)).ToList();
        var unexpected = availableUnderPrefix.Except(expectedFull).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new VisionWeightsException(prefix, missing, unexpected, []);
    }

    private static string? Problem(string fullName, long[] expectedShape, Tensor source)
    {
        var isFloat = source.dtype is ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float64;
        if (source.shape.SequenceEqual(expectedShape) && isFloat) return null;
        return $"{fullName}: expected [{string.Join(", ", expectedShape)}] floating point, found [{string.Join(", ", source.shape)}] {source.dtype}";
    }

    private static void Assign(nn.Module module, IEnumerable<(string Name, long[] Shape)> parameters,
        Func<string, Tensor> source, ScalarType dtype, Device? device)
    {
        var owners = Owners(module);
        using var noGrad = no_grad();
        foreach (var (name, _) in parameters)
        {
            using var scope = NewDisposeScope();
            Replace(owners, name, source(name).to(dtype, device ?? CPU, copy: true));
        }
    }

    private static Dictionary<string, nn.Module> Owners(nn.Module module)
    {
        var owners = module.named_modules().ToDictionary(m => m.name, m => m.module);
        owners[""] = module;
        return owners;
    }

    /// <summary>Sets parameter <paramref name="name"/> to a new parameter over <paramref name="value"/>.</summary>
    private static void Replace(Dictionary<string, nn.Module> owners, string name, Tensor value)
    {
        var split = name.LastIndexOf('.');
        var owner = owners[split < 0 ? "" : name[..split]];
        var leaf = name[(split + 1)..];
        // NOTE: every parameter of these modules is exposed as a settable property named like the
        // checkpoint segment (TorchSharp's Linear/LayerNorm/Conv2d and our own modules alike).
        var property = owner.GetType().GetProperty(leaf, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"{owner.GetType().Name} has no settable property '{leaf}' for parameter '{name}'");
        // the setter detaches the new parameter from the caller's scope and disposes the one it replaces
        property.SetValue(owner, new Parameter(value, requires_grad: false));
    }
}
