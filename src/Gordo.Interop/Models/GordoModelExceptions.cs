namespace Gordo.Interop;

/// <summary>
/// Bad input to a model: NaN or infinity where it is not allowed, a feature count other than the
/// model was fitted with, too few rows. The message says what is wrong, where and how to fix it.
/// </summary>
public sealed class GordoModelInputException : ArgumentException
{
    /// <summary>Creates the exception with its message and cause.</summary>
    public GordoModelInputException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A model artifact that cannot be read or written: a missing or corrupt file, a checksum or
/// format version mismatch, bytes that are not a Gordo model archive, an unwritable folder.
/// </summary>
public sealed class GordoArtifactException : IOException
{
    /// <summary>Creates the exception with its message and cause.</summary>
    public GordoArtifactException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A model definition that cannot be built: an unknown class or parameter, a wrong parameter
/// type, or a network that needs the TorchSharp back end (the package <c>Gordo.Models.Torch</c>)
/// when it is not installed.
/// </summary>
public sealed class GordoModelDefinitionException : InvalidOperationException
{
    /// <summary>Creates the exception with its message and cause.</summary>
    public GordoModelDefinitionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>Maps the model library's exceptions to the documented exceptions of this namespace.</summary>
internal static class ModelErrors
{
    public static T Translate<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (Map(e) is { } mapped)
        {
            throw mapped;
        }
    }

    public static void Translate(Action action) =>
        Translate(() =>
        {
            action();
            return 0;
        });

    private static Exception? Map(Exception e) => e switch
    {
        Gordo.Models.ModelInputException => new GordoModelInputException(e.Message, e),
        Gordo.Models.Artifacts.ArtifactException => new GordoArtifactException(e.Message, e),
        Gordo.Models.ModelDefinitionException => new GordoModelDefinitionException(e.Message, e),
        Gordo.Models.NotFittedException => new InvalidOperationException(e.Message, e),
        System.Text.Json.JsonException => new GordoModelDefinitionException($"the model definition is not valid JSON: {e.Message}", e),
        _ => null,
    };
}
