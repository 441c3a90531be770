//! IEEE 754 half precision (binary16) conversions, for `float16` arrays.
//!
//! Half floats are stored as their raw `u16` bits so files round-trip bit for bit; these two
//! functions convert to and from `f32`.

/// The `f32` value of half precision bits `bits` (exact: every half value is an `f32`).
///
/// NaN payloads are kept in the top mantissa bits.
///
/// ```
/// use gluon_rs::io::{f16_bits_to_f32, f32_to_f16_bits};
///
/// assert_eq!(f16_bits_to_f32(0x3c00), 1.0);
/// assert_eq!(f32_to_f16_bits(65504.0), 0x7bff);
/// ```
pub fn f16_bits_to_f32(bits: u16) -> f32 {
    let sign = f32::from_bits(u32::from(bits >> 15) << 31);
    let exponent = u32::from((bits >> 10) & 0x1f);
    let mantissa = u32::from(bits & 0x3ff);

    let magnitude = match exponent {
        // Zero and subnormals: mantissa * 2^-24, exact in f32.
        0 => mantissa as f32 * f32::from_bits(0x3380_0000),
        0x1f => f32::from_bits(0x7f80_0000 | (mantissa << 13)),
        // Rebias the exponent from 15 to 127; the mantissa gains 13 low zero bits.
        _ => f32::from_bits(((exponent + 112) << 23) | (mantissa << 13)),
    };
    magnitude.copysign(sign)
}

/// The half precision bits nearest to `value`, rounding ties to even as IEEE 754 does.
///
/// Values of magnitude 65520 or more become infinity; NaN stays NaN.
pub fn f32_to_f16_bits(value: f32) -> u16 {
    let bits = value.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let magnitude = value.abs();

    if value.is_nan() {
        // Keep the top payload bits and make sure the result is still a NaN.
        let payload = ((bits >> 13) & 0x3ff) as u16;
        return sign | 0x7c00 | payload | 0x200;
    }
    // 65520 lies halfway between the largest half (65504) and 65536; the tie goes to the
    // even neighbour, which is infinity.
    if magnitude >= 65520.0 {
        return sign | 0x7c00;
    }
    if magnitude < f32::from_bits(0x3880_0000) {
        // Below 2^-14 the result is subnormal: a count of 2^-24 steps. Scaling by 2^24 is
        // exact, and a count of 1024 correctly becomes the smallest normal number.
        let steps = (magnitude * 16_777_216.0).round_ties_even();
        return sign | steps as u16;
    }

    let exponent = (bits >> 23) & 0xff;
    let mantissa = bits & 0x7f_ffff;
    let truncated = (((exponent - 112) << 10) | (mantissa >> 13)) as u16;
    let remainder = mantissa & 0x1fff;
    // A carry out of the mantissa correctly increments the exponent.
    let round_up = remainder > 0x1000 || (remainder == 0x1000 && truncated & 1 == 1);
    sign | (truncated + u16::from(round_up))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_half_value_round_trips_through_f32() {
        for bits in 0..=u16::MAX {
            let value = f16_bits_to_f32(bits);

            let back = f32_to_f16_bits(value);

            if value.is_nan() {
                assert!(f16_bits_to_f32(back).is_nan(), "bits {bits:#06x}");
            } else {
                assert_eq!(back, bits, "bits {bits:#06x} value {value}");
            }
        }
    }

    #[test]
    fn known_values_convert_exactly() {
        assert_eq!(f16_bits_to_f32(0x3800), 0.5);
        assert_eq!(f16_bits_to_f32(0xbd00), -1.25);
        assert_eq!(f16_bits_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_bits_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_bits_to_f32(0x7c00), f32::INFINITY);
        assert!(f16_bits_to_f32(0x8000).is_sign_negative());
    }

    #[test]
    fn rounding_goes_to_nearest_even() {
        // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: the even one is 1.
        assert_eq!(f32_to_f16_bits(1.0 + 2f32.powi(-11)), 0x3c00);
        // 1 + 3 * 2^-11 lies halfway between 1 + 2^-10 and 1 + 2^-9: the even one is above.
        assert_eq!(f32_to_f16_bits(1.0 + 3.0 * 2f32.powi(-11)), 0x3c02);
        assert_eq!(f32_to_f16_bits(65519.0), 0x7bff);
        assert_eq!(f32_to_f16_bits(65520.0), 0x7c00);
        assert_eq!(f32_to_f16_bits(2f32.powi(-25)), 0x0000);
        assert_eq!(f32_to_f16_bits(3.0 * 2f32.powi(-26)), 0x0001);
        assert_eq!(f32_to_f16_bits(-1e-30), 0x8000);
        assert_eq!(f32_to_f16_bits(f32::NEG_INFINITY), 0xfc00);
    }
}
