using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;

namespace InternS1.Engine.Torch.Tests.Support;

/// <summary>Finds, in compiled IL, the calls that hand TorchSharp a temporary <see cref="Scalar"/> (see
/// <see cref="HeldScalars"/>): implicit conversions to <c>Scalar</c>, any <c>ToScalar()</c> outside
/// <see cref="HeldScalars"/> (the one place that creates scalars, each held in a static field or a <c>using</c> local,
/// reviewed by hand), and calls of TorchSharp methods that themselves create a scalar without disposing one (such as
/// <c>Tensor.add(Tensor)</c> with its alpha of 1), found in TorchSharp's own IL, transitively.</summary>
public static class TemporaryScalarScan
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
    private static readonly Lazy<HashSet<MethodBase>> Unsafe = new(UnsafeTorchSharpMethods);
    private static readonly Dictionary<short, OpCode> OneByte = [], TwoByte = [];

    static TemporaryScalarScan()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            if (op.Size == 1) OneByte[op.Value] = op;
            else TwoByte[(short)(op.Value & 0xff)] = op;
        }
    }

    /// <summary>TorchSharp methods that create a scalar they do not dispose, or call one that does.</summary>
    public static IReadOnlySet<MethodBase> UnsafeTorchSharp => Unsafe.Value;

    /// <summary>Fails, naming every call found, unless <paramref name="assembly"/> has none.</summary>
    public static void AssertNone(Assembly assembly)
    {
        var found = Find(assembly);
        Assert.True(found.Count == 0, "temporary scalars passed to TorchSharp:\n" + string.Join('\n', found));
    }

    /// <summary>"Type.Method: callee" for every such call in <paramref name="assembly"/>.</summary>
    public static IReadOnlyList<string> Find(Assembly assembly) =>
        assembly.GetTypes().SelectMany(t => Find(t, includeNested: false)).ToList();

    /// <summary>The same for the methods declared by <paramref name="type"/> (and its nested types when asked).</summary>
    public static IReadOnlyList<string> Find(Type type, bool includeNested = true)
    {
        var found = new List<string>();
        foreach (var method in Methods(type))
        {
            var creates = type != typeof(HeldScalars);
            foreach (var call in Calls(method))
            {
                if (IsImplicitScalar(call) || IsToScalar(call) && creates || Unsafe.Value.Contains(call))
                    found.Add($"{type.FullName}.{method.Name}: {call.DeclaringType?.Name}.{call.Name}({string.Join(", ", call.GetParameters().Select(p => p.ParameterType.Name))})");
            }
        }
        if (includeNested)
            found.AddRange(type.GetNestedTypes(Declared).SelectMany(n => Find(n)));
        return found;
    }

    private static IEnumerable<MethodBase> Methods(Type type) =>
        type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared));

    private static bool IsImplicitScalar(MethodBase m) => m.DeclaringType == typeof(Scalar) && m.Name == "op_Implicit";

    private static bool IsToScalar(MethodBase m) => m is MethodInfo { ReturnType: var r } && r == typeof(Scalar)
        && m.DeclaringType != typeof(Scalar) && m.Name.StartsWith("To", StringComparison.Ordinal);

    private static bool IsScalarDispose(MethodBase m) => m.DeclaringType == typeof(Scalar) && m.Name == "Dispose";

    private static HashSet<MethodBase> UnsafeTorchSharpMethods()
    {
        var calls = new Dictionary<MethodBase, List<MethodBase>>();
        foreach (var type in typeof(Scalar).Assembly.GetTypes())
        {
            if (type == typeof(Scalar) || type.Name == "ScalarExtensionMethods") continue;
            foreach (var method in Methods(type)) calls[method] = Calls(method).ToList();
        }
        var unsafeMethods = calls.Where(kv => kv.Value.Any(c => IsImplicitScalar(c) || IsToScalar(c)) && !kv.Value.Any(IsScalarDispose))
            .Select(kv => kv.Key).ToHashSet();
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (method, callees) in calls)
                if (!unsafeMethods.Contains(method) && callees.Any(unsafeMethods.Contains))
                    changed = unsafeMethods.Add(method);
        }
        return unsafeMethods;
    }

    /// <summary>The methods <paramref name="method"/>'s IL calls (call, callvirt, newobj, ldftn).</summary>
    private static IEnumerable<MethodBase> Calls(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException) { yield break; }
        if (il is null) yield break;
        var typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            OpCode op;
            if (il[i] == 0xFE) { op = TwoByte[il[i + 1]]; i += 2; }
            else { op = OneByte[il[i]]; i += 1; }
            if (op.OperandType == OperandType.InlineMethod)
            {
                MethodBase? target = null;
                try { target = method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArguments, methodArguments); }
                catch (Exception e) when (e is ArgumentException or TypeLoadException or FileNotFoundException or MissingMethodException) { }
                if (target is not null) yield return target;
            }
            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }
}
