namespace Chat.Client.Envelope;

/// <summary>
/// Plaintexts are padded with spaces (which JSON ignores after the value) to a size bucket, so a
/// ciphertext's length tells the server only the bucket: 256-byte steps up to 4 KiB, then powers of two.
/// </summary>
public static class Padding
{
    public const int Step = 256;
    public const int StepLimit = 4096;

    public static int BucketFor(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= StepLimit)
        {
            return Math.Max(Step, (length + Step - 1) / Step * Step);
        }

        var bucket = StepLimit;
        while (bucket < length)
        {
            bucket *= 2;
        }

        return bucket;
    }

    public static byte[] Pad(ReadOnlySpan<byte> plaintext)
    {
        var padded = new byte[BucketFor(plaintext.Length)];
        plaintext.CopyTo(padded);
        padded.AsSpan(plaintext.Length).Fill((byte)' ');
        return padded;
    }
}
