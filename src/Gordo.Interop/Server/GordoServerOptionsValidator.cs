using Microsoft.Extensions.Options;

namespace Gordo.Interop;

/// <summary>
/// Checks <see cref="GordoServerOptions"/> when the host starts, so that a bad value or a missing
/// model directory fails the start instead of every request.
/// </summary>
internal sealed class GordoServerOptionsValidator : IValidateOptions<GordoServerOptions>
{
    public ValidateOptionsResult Validate(string? name, GordoServerOptions options)
    {
        Gordo.Server.ServerConfig config;
        try
        {
            config = options.ToServerConfig();
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }

        var directory = config.ModelCollectionDir;
        if (directory is null)
            return ValidateOptionsResult.Fail(
                "Gordo server options: set ModelCollectionDirectory (or MODEL_COLLECTION_DIR) to the revision folder of the models");
        if (!Directory.Exists(directory.Value))
            return ValidateOptionsResult.Fail(
                $"Gordo server options: the model collection directory '{directory.Value}' does not exist (ModelCollectionDirectory or MODEL_COLLECTION_DIR)");
        return ValidateOptionsResult.Success;
    }
}
