namespace Gordo.Interop.Tests;

public class SmokeTests
{
    [Fact]
    public void Placeholder() => Assert.True(1 + 1 == 2);
}
