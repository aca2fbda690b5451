namespace Gordo.Interop;

/// <summary>Thrown by <see cref="GordoConfigResult.ThrowIfInvalid"/> when a config has errors.</summary>
public sealed class GordoConfigException : Exception
{
    /// <summary>Creates the exception from the config's errors.</summary>
    /// <param name="errors">The errors (their compiler-style lines form the message).</param>
    public GordoConfigException(IReadOnlyList<Diagnostic> errors)
        : base(
            "The Gordo config has errors:" + Environment.NewLine
            + string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
    {
        Errors = errors;
    }

    /// <summary>The errors.</summary>
    public IReadOnlyList<Diagnostic> Errors { get; }
}
