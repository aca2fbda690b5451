using System.Reflection;

namespace Gordo.Interop.Tests;

public class PublicSurfaceTests
{
    [Fact]
    public void No_FSharp_type_appears_in_the_public_surface()
    {
        var leaks =
            from type in typeof(GordoConfig).Assembly.GetExportedTypes()
            from member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            from used in UsedTypes(member)
            where (used.Namespace ?? "").StartsWith("Microsoft.FSharp", StringComparison.Ordinal)
                  || (used.Namespace ?? "").StartsWith("Gordo.Core", StringComparison.Ordinal)
            select $"{type.Name}.{member.Name}: {used}";

        Assert.Empty(leaks);
    }

    [Fact]
    public void Public_classes_are_sealed()
    {
        var unsealed = typeof(GordoConfig).Assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed)
            .Select(t => t.Name);

        Assert.Empty(unsealed);
    }

    private static IEnumerable<Type> UsedTypes(MemberInfo member)
    {
        IEnumerable<Type> types = member switch
        {
            MethodInfo m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType),
            PropertyInfo p => [p.PropertyType],
            FieldInfo f => [f.FieldType],
            ConstructorInfo c => c.GetParameters().Select(p => p.ParameterType),
            _ => [],
        };
        return types.SelectMany(Expand);
    }

    private static IEnumerable<Type> Expand(Type type) =>
        type.IsGenericType
            ? type.GetGenericArguments().SelectMany(Expand).Prepend(type.GetGenericTypeDefinition())
            : type.HasElementType ? Expand(type.GetElementType()!) : [type];
}
