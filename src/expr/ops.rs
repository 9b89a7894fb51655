//! Operator semantics (§7.3): Python-like arithmetic on auto-typed operands with checked 64-bit
//! integers, Python comparisons, truthiness-based logic, `..` concatenation, and element-wise
//! application of every binary operator to lists (equal lengths, or a list and a scalar).

use std::cmp::Ordering;

use super::ast::{BinOp, CmpOp};
use super::error::ExprError;
use super::value::Value;

/// A number after auto-typing (bools count as 0/1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    pub fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    pub fn value(self) -> Value {
        match self {
            Num::Int(i) => Value::Int(i),
            Num::Float(f) => Value::Float(f),
        }
    }
}

/// A scalar as a number, auto-typing strings; `what` names the operation for the error.
pub(super) fn to_num(v: &Value, what: &str) -> Result<Num, ExprError> {
    match v.auto_typed() {
        Value::Int(i) => Ok(Num::Int(i)),
        Value::Float(f) => Ok(Num::Float(f)),
        Value::Bool(b) => Ok(Num::Int(i64::from(b))),
        Value::Str(s) => Err(ExprError::new(format!("{what} given string '{s}'"))),
        Value::Null => Err(ExprError::new(format!("{what} given null"))),
        other => Err(ExprError::new(format!(
            "{what} given a {}",
            other.type_name()
        ))),
    }
}

/// Applies `f` element-wise: list with list of equal length, list with scalar, or scalars.
pub(super) fn broadcast(
    a: &Value,
    b: &Value,
    f: &dyn Fn(&Value, &Value) -> Result<Value, ExprError>,
) -> Result<Value, ExprError> {
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Err(ExprError::new(format!(
                    "list operations need lists of equal length (got {} and {} items)",
                    x.len(),
                    y.len()
                )));
            }
            x.iter()
                .zip(y)
                .map(|(p, q)| broadcast(p, q, f))
                .collect::<Result<_, _>>()
                .map(Value::List)
        }
        (Value::List(x), _) => x
            .iter()
            .map(|p| broadcast(p, b, f))
            .collect::<Result<_, _>>()
            .map(Value::List),
        (_, Value::List(y)) => y
            .iter()
            .map(|q| broadcast(a, q, f))
            .collect::<Result<_, _>>()
            .map(Value::List),
        _ => f(a, b),
    }
}

fn overflow(a: i64, sym: &str, b: i64) -> ExprError {
    ExprError::new(format!(
        "integer overflow: {a} {sym} {b} does not fit in 64 bits"
    ))
}

fn division_by_zero() -> ExprError {
    ExprError::new("division by zero")
}

/// Python's `//` on floats (floor toward −∞, computed like CPython to keep its rounding).
fn float_floordiv(a: f64, b: f64) -> f64 {
    let modulo = a % b;
    let mut div = (a - modulo) / b;
    if modulo != 0.0 && ((b < 0.0) != (modulo < 0.0)) {
        div -= 1.0;
    }
    if div == 0.0 {
        return 0.0_f64.copysign(a / b);
    }
    let floor = div.floor();
    if div - floor > 0.5 {
        floor + 1.0
    } else {
        floor
    }
}

/// Python's `%` on floats: the result has the sign of the divisor.
fn float_mod(a: f64, b: f64) -> f64 {
    let modulo = a % b;
    if modulo == 0.0 {
        0.0_f64.copysign(b)
    } else if (b < 0.0) != (modulo < 0.0) {
        modulo + b
    } else {
        modulo
    }
}

fn arith_int(op: BinOp, a: i64, b: i64) -> Result<Value, ExprError> {
    let checked = |r: Option<i64>, sym: &str| r.map(Value::Int).ok_or_else(|| overflow(a, sym, b));
    match op {
        BinOp::Add => checked(a.checked_add(b), "+"),
        BinOp::Sub => checked(a.checked_sub(b), "-"),
        BinOp::Mul => checked(a.checked_mul(b), "*"),
        BinOp::Div if b == 0 => Err(division_by_zero()),
        BinOp::Div => Ok(Value::Float(a as f64 / b as f64)),
        BinOp::FloorDiv | BinOp::Mod if b == 0 => Err(division_by_zero()),
        BinOp::FloorDiv => {
            let q = a.checked_div(b).ok_or_else(|| overflow(a, "//", b))?;
            // Truncating division rounds toward zero; step down when the signs differ.
            let q = if (a % b != 0) && ((a < 0) != (b < 0)) {
                q - 1
            } else {
                q
            };
            Ok(Value::Int(q))
        }
        BinOp::Mod => {
            // i64::MIN % -1 overflows in Rust; mathematically it is 0.
            let r = a.checked_rem(b).unwrap_or(0);
            let r = if r != 0 && ((r < 0) != (b < 0)) {
                r + b
            } else {
                r
            };
            Ok(Value::Int(r))
        }
        BinOp::Or | BinOp::And | BinOp::Concat => Err(ExprError::new("not an arithmetic operator")),
    }
}

fn arith_float(op: BinOp, a: f64, b: f64) -> Result<Value, ExprError> {
    let result = match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div | BinOp::FloorDiv | BinOp::Mod if b == 0.0 => return Err(division_by_zero()),
        BinOp::Div => a / b,
        BinOp::FloorDiv => float_floordiv(a, b),
        BinOp::Mod => float_mod(a, b),
        BinOp::Or | BinOp::And | BinOp::Concat => {
            return Err(ExprError::new("not an arithmetic operator"))
        }
    };
    Ok(Value::Float(result))
}

/// `+ - * / // %`, element-wise over lists.
pub(super) fn arith(op: BinOp, a: &Value, b: &Value) -> Result<Value, ExprError> {
    broadcast(
        a,
        b,
        &|x, y| match (to_num(x, "math operation")?, to_num(y, "math operation")?) {
            (Num::Int(p), Num::Int(q)) => arith_int(op, p, q),
            (p, q) => arith_float(op, p.as_f64(), q.as_f64()),
        },
    )
}

fn pow_scalar(base: Num, exp: Num) -> Result<Value, ExprError> {
    let zero_negative = || ExprError::new("0 cannot be raised to a negative power");
    if let (Num::Int(a), Num::Int(b)) = (base, exp) {
        if b >= 0 {
            let result = match u32::try_from(b) {
                Ok(e) => a.checked_pow(e),
                // Only 0, 1 and -1 survive an exponent this large.
                Err(_) => match a {
                    0 | 1 => Some(a),
                    -1 => Some(if b % 2 == 0 { 1 } else { -1 }),
                    _ => None,
                },
            };
            return result.map(Value::Int).ok_or_else(|| overflow(a, "^", b));
        }
        if a == 0 {
            return Err(zero_negative());
        }
    }
    let (a, b) = (base.as_f64(), exp.as_f64());
    if a == 0.0 && b < 0.0 {
        return Err(zero_negative());
    }
    if a < 0.0 && b.is_finite() && b.fract() != 0.0 {
        return Err(ExprError::new(format!(
            "power has a complex result ({} ^ {})",
            Value::Float(a).describe(),
            Value::Float(b).describe()
        )));
    }
    let result = a.powf(b);
    if result.is_infinite() && a.is_finite() && b.is_finite() {
        return Err(ExprError::new("numeric overflow in power"));
    }
    Ok(Value::Float(result))
}

/// `^`, element-wise over lists.
pub(super) fn power(a: &Value, b: &Value) -> Result<Value, ExprError> {
    broadcast(a, b, &|x, y| {
        pow_scalar(to_num(x, "math operation")?, to_num(y, "math operation")?)
    })
}

/// Unary minus (`negate`) or plus, element-wise over lists.
pub(super) fn unary(a: &Value, negate: bool) -> Result<Value, ExprError> {
    if let Value::List(items) = a {
        return items
            .iter()
            .map(|v| unary(v, negate))
            .collect::<Result<_, _>>()
            .map(Value::List);
    }
    match to_num(a, "math operation")? {
        Num::Int(i) if negate => i.checked_neg().map(Value::Int).ok_or_else(|| {
            ExprError::new(format!("integer overflow: -({i}) does not fit in 64 bits"))
        }),
        Num::Float(f) if negate => Ok(Value::Float(-f)),
        n => Ok(n.value()),
    }
}

/// Python's exact comparison of an int with a float.
fn cmp_int_float(i: i64, f: f64) -> Option<Ordering> {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() {
        return None;
    }
    if f >= TWO_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_63 {
        return Some(Ordering::Greater);
    }
    let whole = f.trunc();
    match i.cmp(&(whole as i64)) {
        Ordering::Equal => (0.0).partial_cmp(&(f - whole)),
        other => Some(other),
    }
}

/// Python's numeric ordering (int and float compared exactly); `None` involves NaN.
pub(super) fn num_cmp(a: Num, b: Num) -> Option<Ordering> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(&y)),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(&y),
        (Num::Int(x), Num::Float(y)) => cmp_int_float(x, y),
        (Num::Float(x), Num::Int(y)) => cmp_int_float(y, x).map(Ordering::reverse),
    }
}

fn as_num(v: &Value) -> Option<Num> {
    match v {
        Value::Int(i) => Some(Num::Int(*i)),
        Value::Float(f) => Some(Num::Float(*f)),
        Value::Bool(b) => Some(Num::Int(i64::from(*b))),
        _ => None,
    }
}

/// `==` after auto-typing: numbers numerically, strings by content, across types false.
pub(super) fn values_equal(a: &Value, b: &Value) -> bool {
    let (a, b) = (a.auto_typed(), b.auto_typed());
    if let (Some(x), Some(y)) = (as_num(&a), as_num(&b)) {
        return num_cmp(x, y) == Some(Ordering::Equal);
    }
    match (&a, &b) {
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Null, Value::Null) => true,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && values_equal(v1, v2))
        }
        _ => false,
    }
}

/// Ordering after auto-typing; `None` for NaN. Mixed string/number is an error.
fn order(a: &Value, b: &Value) -> Result<Option<Ordering>, ExprError> {
    let (a, b) = (a.auto_typed(), b.auto_typed());
    if let (Some(x), Some(y)) = (as_num(&a), as_num(&b)) {
        return Ok(num_cmp(x, y));
    }
    match (&a, &b) {
        (Value::Str(x), Value::Str(y)) => Ok(Some(x.cmp(y))),
        (Value::Str(_), _) | (_, Value::Str(_)) => Err(ExprError::new(format!(
            "cannot compare {} {} with {} {}",
            a.type_name(),
            a.describe(),
            b.type_name(),
            b.describe()
        ))),
        _ => Err(ExprError::new(format!(
            "cannot order a {} and a {}",
            a.type_name(),
            b.type_name()
        ))),
    }
}

/// One comparison, element-wise over lists.
pub(super) fn compare(op: CmpOp, a: &Value, b: &Value) -> Result<Value, ExprError> {
    broadcast(a, b, &|x, y| {
        let result = match op {
            CmpOp::Eq => values_equal(x, y),
            CmpOp::Ne => !values_equal(x, y),
            CmpOp::Lt => order(x, y)? == Some(Ordering::Less),
            CmpOp::Gt => order(x, y)? == Some(Ordering::Greater),
            CmpOp::Le => matches!(order(x, y)?, Some(Ordering::Less | Ordering::Equal)),
            CmpOp::Ge => matches!(order(x, y)?, Some(Ordering::Greater | Ordering::Equal)),
        };
        Ok(Value::Bool(result))
    })
}

/// Truthiness after auto-typing (`"0"` and `"False"` are false).
pub(super) fn truth(v: &Value) -> bool {
    v.auto_typed().truthy()
}

/// `and` / `or`, element-wise over lists, always a bool per element.
pub(super) fn logic(op: BinOp, a: &Value, b: &Value) -> Result<Value, ExprError> {
    broadcast(a, b, &|x, y| {
        Ok(Value::Bool(match op {
            BinOp::And => truth(x) && truth(y),
            _ => truth(x) || truth(y),
        }))
    })
}

/// `..`: text concatenation; list..list appends; a list with a scalar applies to each item.
pub(super) fn concat(a: &Value, b: &Value) -> Result<Value, ExprError> {
    match (a, b) {
        (Value::List(x), Value::List(y)) => Ok(Value::List(x.iter().chain(y).cloned().collect())),
        (Value::List(x), _) => x
            .iter()
            .map(|p| concat(p, b))
            .collect::<Result<_, _>>()
            .map(Value::List),
        (_, Value::List(y)) => y
            .iter()
            .map(|q| concat(a, q))
            .collect::<Result<_, _>>()
            .map(Value::List),
        _ => {
            let text = |v: &Value| {
                v.to_text()
                    .map_err(|_| ExprError::new(format!("cannot concatenate a {}", v.type_name())))
            };
            Ok(Value::Str(text(a)? + &text(b)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_floor_division_and_modulo() {
        let int = |op, a, b| arith(op, &Value::Int(a), &Value::Int(b)).unwrap();
        assert_eq!(int(BinOp::FloorDiv, 7, 2), Value::Int(3));
        assert_eq!(int(BinOp::FloorDiv, -7, 2), Value::Int(-4));
        assert_eq!(int(BinOp::FloorDiv, 7, -2), Value::Int(-4));
        assert_eq!(int(BinOp::FloorDiv, -7, -2), Value::Int(3));
        assert_eq!(int(BinOp::Mod, -7, 2), Value::Int(1));
        assert_eq!(int(BinOp::Mod, 7, -2), Value::Int(-1));
        assert_eq!(int(BinOp::Mod, i64::MIN, -1), Value::Int(0));
        let fl = |op, a, b| arith(op, &Value::Float(a), &Value::Float(b)).unwrap();
        assert_eq!(fl(BinOp::FloorDiv, 7.5, 2.0), Value::Float(3.0));
        assert_eq!(fl(BinOp::FloorDiv, -7.5, 2.0), Value::Float(-4.0));
        assert_eq!(fl(BinOp::Mod, -7.5, 2.0), Value::Float(0.5));
        assert_eq!(fl(BinOp::Mod, 7.5, -2.0), Value::Float(-0.5));
        assert_eq!(
            fl(BinOp::Mod, -0.0, 5.0),
            Value::Float(0.0),
            "zero remainder takes the divisor's sign"
        );
    }

    #[test]
    fn int_float_comparison_is_exact() {
        assert_eq!(
            cmp_int_float(9_007_199_254_740_993, 9_007_199_254_740_992.0),
            Some(Ordering::Greater)
        );
        assert_eq!(cmp_int_float(1, 1.0), Some(Ordering::Equal));
        assert_eq!(cmp_int_float(1, 1.5), Some(Ordering::Less));
        assert_eq!(cmp_int_float(-1, -1.5), Some(Ordering::Greater));
        assert_eq!(cmp_int_float(i64::MAX, 9.3e18), Some(Ordering::Less));
        assert_eq!(cmp_int_float(i64::MIN, -9.3e18), Some(Ordering::Greater));
        assert_eq!(cmp_int_float(0, f64::NAN), None);
    }

    #[test]
    fn power_edge_cases() {
        let p = |a: Value, b: Value| power(&a, &b);
        assert_eq!(p(Value::Int(2), Value::Int(10)), Ok(Value::Int(1024)));
        assert_eq!(p(Value::Int(2), Value::Int(-1)), Ok(Value::Float(0.5)));
        assert_eq!(p(Value::Int(-1), Value::Int(i64::MAX)), Ok(Value::Int(-1)));
        assert!(p(Value::Int(2), Value::Int(64))
            .unwrap_err()
            .message
            .contains("overflow"));
        assert!(p(Value::Int(0), Value::Int(-1)).is_err());
        assert!(p(Value::Float(-8.0), Value::Float(0.5))
            .unwrap_err()
            .message
            .contains("complex"));
        assert_eq!(
            p(Value::Float(-2.0), Value::Float(2.0)),
            Ok(Value::Float(4.0))
        );
        assert!(p(Value::Float(10.0), Value::Float(400.0))
            .unwrap_err()
            .message
            .contains("overflow"));
    }
}
