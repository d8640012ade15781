//! The vector instructions (fixed-width SIMD and relaxed SIMD) as one enum,
//! [`SimdOp`], carried by the single [`crate::vm::instr::Instr::Simd`]
//! variant. The table below names every instruction once, grouped by the
//! operands it takes ([`Form`]); the translator, the executor, the stepper's
//! text and the instruction docs all read it.

use wasmparser::Operator;

/// How a vector instruction takes its operands and where its result goes.
///
/// Every `v128` operand is in its own two stack slots (never a folded local),
/// so `Instr::Simd { dst, a, b, .. }` reads as follows per form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `dst` <- load from address slot `a` plus offset `b`.
    Load,
    /// Store the vector at `dst` to address slot `a` plus offset `b`.
    Store,
    /// Address at `dst`, vector at `dst + 1`, offset `b`; the result replaces them at `dst`.
    LoadLane,
    /// Store lane `lane` of the vector at `dst` to address slot `a` plus offset `b`.
    StoreLane,
    /// `dst` (a scalar) <- lane `lane` of `a`.
    Extract,
    /// `dst` <- `a` with lane `lane` replaced by the scalar at `b`.
    Replace,
    /// `dst` <- the scalar at `a` in every lane.
    Splat,
    /// `dst` <- f(`a`).
    Unary,
    /// `dst` (an `i32`) <- a test of `a`.
    Test,
    /// `dst` <- f(`a`, `b`).
    Binary,
    /// `dst` <- `a` shifted by the `i32` at `b`.
    Shift,
    /// `dst` <- f(`dst`, `a`, `b`): the first operand is already at `dst`.
    Ternary,
    /// `dst` <- lanes of `a` and `b` picked by the 16 indices at `dst + 4`
    /// (scratch slots above both operands).
    Shuffle,
    /// `dst` <- global `a`.
    GlobalGet,
    /// Global `a` <- `dst`.
    GlobalSet,
    /// `dst` <- `dst` if the `i32` at `b` is non-zero, else `a` (`select` of vectors).
    Select,
}

macro_rules! simd_ops {
    (
        load: [$($load:ident $load_t:literal,)*],
        store: [$($store:ident $store_t:literal,)*],
        load_lane: [$($ll:ident $ll_t:literal,)*],
        store_lane: [$($sl:ident $sl_t:literal,)*],
        extract: [$($ex:ident $ex_t:literal,)*],
        replace: [$($rp:ident $rp_t:literal,)*],
        splat: [$($sp:ident $sp_t:literal,)*],
        unary: [$($un:ident $un_t:literal,)*],
        test: [$($ts:ident $ts_t:literal,)*],
        binary: [$($bi:ident $bi_t:literal,)*],
        shift: [$($sh:ident $sh_t:literal,)*],
        ternary: [$($te:ident $te_t:literal,)*],
    ) => {
        /// One vector instruction, named as wasmparser names its operator.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum SimdOp {
            $($load,)* $($store,)* $($ll,)* $($sl,)* $($ex,)* $($rp,)* $($sp,)*
            $($un,)* $($ts,)* $($bi,)* $($sh,)* $($te,)*
            I8x16Shuffle,
            /// `global.get` of a `v128` global.
            GlobalGet,
            /// `global.set` of a `v128` global.
            GlobalSet,
            /// `select` of two vectors.
            Select,
        }

        impl SimdOp {
            /// Every vector instruction of the `0xfd` prefix (not the
            /// `global`/`select` helpers), in opcode-table order by form.
            pub const ALL: &'static [SimdOp] = &[
                $(SimdOp::$load,)* $(SimdOp::$store,)* $(SimdOp::$ll,)* $(SimdOp::$sl,)*
                $(SimdOp::$ex,)* $(SimdOp::$rp,)* $(SimdOp::$sp,)* $(SimdOp::$un,)*
                $(SimdOp::$ts,)* $(SimdOp::$bi,)* $(SimdOp::$sh,)* $(SimdOp::$te,)*
                SimdOp::I8x16Shuffle,
            ];

            /// The instruction's text-format name (`i32x4.add`).
            pub fn name(self) -> &'static str {
                match self {
                    $(SimdOp::$load => $load_t,)* $(SimdOp::$store => $store_t,)*
                    $(SimdOp::$ll => $ll_t,)* $(SimdOp::$sl => $sl_t,)*
                    $(SimdOp::$ex => $ex_t,)* $(SimdOp::$rp => $rp_t,)*
                    $(SimdOp::$sp => $sp_t,)* $(SimdOp::$un => $un_t,)*
                    $(SimdOp::$ts => $ts_t,)* $(SimdOp::$bi => $bi_t,)*
                    $(SimdOp::$sh => $sh_t,)* $(SimdOp::$te => $te_t,)*
                    SimdOp::I8x16Shuffle => "i8x16.shuffle",
                    SimdOp::GlobalGet => "global.get",
                    SimdOp::GlobalSet => "global.set",
                    SimdOp::Select => "select",
                }
            }

            /// How it takes its operands.
            pub fn form(self) -> Form {
                match self {
                    $(SimdOp::$load)|* => Form::Load,
                    $(SimdOp::$store)|* => Form::Store,
                    $(SimdOp::$ll)|* => Form::LoadLane,
                    $(SimdOp::$sl)|* => Form::StoreLane,
                    $(SimdOp::$ex)|* => Form::Extract,
                    $(SimdOp::$rp)|* => Form::Replace,
                    $(SimdOp::$sp)|* => Form::Splat,
                    $(SimdOp::$un)|* => Form::Unary,
                    $(SimdOp::$ts)|* => Form::Test,
                    $(SimdOp::$bi)|* => Form::Binary,
                    $(SimdOp::$sh)|* => Form::Shift,
                    $(SimdOp::$te)|* => Form::Ternary,
                    SimdOp::I8x16Shuffle => Form::Shuffle,
                    SimdOp::GlobalGet => Form::GlobalGet,
                    SimdOp::GlobalSet => Form::GlobalSet,
                    SimdOp::Select => Form::Select,
                }
            }

            /// The memory argument of a vector load or store; `None` for
            /// every other operator.
            pub fn memarg(op: &Operator<'_>) -> Option<wasmparser::MemArg> {
                match *op {
                    $(Operator::$load { memarg } => Some(memarg),)*
                    $(Operator::$store { memarg } => Some(memarg),)*
                    $(Operator::$ll { memarg, .. } => Some(memarg),)*
                    $(Operator::$sl { memarg, .. } => Some(memarg),)*
                    _ => None,
                }
            }

            /// The vector instruction an operator is, with its lane index and
            /// memory offset (0 where it has none); `None` for `v128.const`
            /// and every non-vector operator.
            pub fn decode(op: &Operator<'_>) -> Option<(SimdOp, u8, u64)> {
                Some(match *op {
                    $(Operator::$load { memarg } => (SimdOp::$load, 0, memarg.offset),)*
                    $(Operator::$store { memarg } => (SimdOp::$store, 0, memarg.offset),)*
                    $(Operator::$ll { memarg, lane } => (SimdOp::$ll, lane, memarg.offset),)*
                    $(Operator::$sl { memarg, lane } => (SimdOp::$sl, lane, memarg.offset),)*
                    $(Operator::$ex { lane } => (SimdOp::$ex, lane, 0),)*
                    $(Operator::$rp { lane } => (SimdOp::$rp, lane, 0),)*
                    $(Operator::$sp => (SimdOp::$sp, 0, 0),)*
                    $(Operator::$un => (SimdOp::$un, 0, 0),)*
                    $(Operator::$ts => (SimdOp::$ts, 0, 0),)*
                    $(Operator::$bi => (SimdOp::$bi, 0, 0),)*
                    $(Operator::$sh => (SimdOp::$sh, 0, 0),)*
                    $(Operator::$te => (SimdOp::$te, 0, 0),)*
                    Operator::I8x16Shuffle { .. } => (SimdOp::I8x16Shuffle, 0, 0),
                    _ => return None,
                })
            }
        }
    };
}

simd_ops! {
    load: [
        V128Load "v128.load",
        V128Load8x8S "v128.load8x8_s",
        V128Load8x8U "v128.load8x8_u",
        V128Load16x4S "v128.load16x4_s",
        V128Load16x4U "v128.load16x4_u",
        V128Load32x2S "v128.load32x2_s",
        V128Load32x2U "v128.load32x2_u",
        V128Load8Splat "v128.load8_splat",
        V128Load16Splat "v128.load16_splat",
        V128Load32Splat "v128.load32_splat",
        V128Load64Splat "v128.load64_splat",
        V128Load32Zero "v128.load32_zero",
        V128Load64Zero "v128.load64_zero",
    ],
    store: [
        V128Store "v128.store",
    ],
    load_lane: [
        V128Load8Lane "v128.load8_lane",
        V128Load16Lane "v128.load16_lane",
        V128Load32Lane "v128.load32_lane",
        V128Load64Lane "v128.load64_lane",
    ],
    store_lane: [
        V128Store8Lane "v128.store8_lane",
        V128Store16Lane "v128.store16_lane",
        V128Store32Lane "v128.store32_lane",
        V128Store64Lane "v128.store64_lane",
    ],
    extract: [
        I8x16ExtractLaneS "i8x16.extract_lane_s",
        I8x16ExtractLaneU "i8x16.extract_lane_u",
        I16x8ExtractLaneS "i16x8.extract_lane_s",
        I16x8ExtractLaneU "i16x8.extract_lane_u",
        I32x4ExtractLane "i32x4.extract_lane",
        I64x2ExtractLane "i64x2.extract_lane",
        F32x4ExtractLane "f32x4.extract_lane",
        F64x2ExtractLane "f64x2.extract_lane",
    ],
    replace: [
        I8x16ReplaceLane "i8x16.replace_lane",
        I16x8ReplaceLane "i16x8.replace_lane",
        I32x4ReplaceLane "i32x4.replace_lane",
        I64x2ReplaceLane "i64x2.replace_lane",
        F32x4ReplaceLane "f32x4.replace_lane",
        F64x2ReplaceLane "f64x2.replace_lane",
    ],
    splat: [
        I8x16Splat "i8x16.splat",
        I16x8Splat "i16x8.splat",
        I32x4Splat "i32x4.splat",
        I64x2Splat "i64x2.splat",
        F32x4Splat "f32x4.splat",
        F64x2Splat "f64x2.splat",
    ],
    unary: [
        V128Not "v128.not",
        I8x16Abs "i8x16.abs",
        I8x16Neg "i8x16.neg",
        I8x16Popcnt "i8x16.popcnt",
        I16x8ExtAddPairwiseI8x16S "i16x8.extadd_pairwise_i8x16_s",
        I16x8ExtAddPairwiseI8x16U "i16x8.extadd_pairwise_i8x16_u",
        I16x8Abs "i16x8.abs",
        I16x8Neg "i16x8.neg",
        I16x8ExtendLowI8x16S "i16x8.extend_low_i8x16_s",
        I16x8ExtendHighI8x16S "i16x8.extend_high_i8x16_s",
        I16x8ExtendLowI8x16U "i16x8.extend_low_i8x16_u",
        I16x8ExtendHighI8x16U "i16x8.extend_high_i8x16_u",
        I32x4ExtAddPairwiseI16x8S "i32x4.extadd_pairwise_i16x8_s",
        I32x4ExtAddPairwiseI16x8U "i32x4.extadd_pairwise_i16x8_u",
        I32x4Abs "i32x4.abs",
        I32x4Neg "i32x4.neg",
        I32x4ExtendLowI16x8S "i32x4.extend_low_i16x8_s",
        I32x4ExtendHighI16x8S "i32x4.extend_high_i16x8_s",
        I32x4ExtendLowI16x8U "i32x4.extend_low_i16x8_u",
        I32x4ExtendHighI16x8U "i32x4.extend_high_i16x8_u",
        I64x2Abs "i64x2.abs",
        I64x2Neg "i64x2.neg",
        I64x2ExtendLowI32x4S "i64x2.extend_low_i32x4_s",
        I64x2ExtendHighI32x4S "i64x2.extend_high_i32x4_s",
        I64x2ExtendLowI32x4U "i64x2.extend_low_i32x4_u",
        I64x2ExtendHighI32x4U "i64x2.extend_high_i32x4_u",
        F32x4Ceil "f32x4.ceil",
        F32x4Floor "f32x4.floor",
        F32x4Trunc "f32x4.trunc",
        F32x4Nearest "f32x4.nearest",
        F32x4Abs "f32x4.abs",
        F32x4Neg "f32x4.neg",
        F32x4Sqrt "f32x4.sqrt",
        F64x2Ceil "f64x2.ceil",
        F64x2Floor "f64x2.floor",
        F64x2Trunc "f64x2.trunc",
        F64x2Nearest "f64x2.nearest",
        F64x2Abs "f64x2.abs",
        F64x2Neg "f64x2.neg",
        F64x2Sqrt "f64x2.sqrt",
        I32x4TruncSatF32x4S "i32x4.trunc_sat_f32x4_s",
        I32x4TruncSatF32x4U "i32x4.trunc_sat_f32x4_u",
        F32x4ConvertI32x4S "f32x4.convert_i32x4_s",
        F32x4ConvertI32x4U "f32x4.convert_i32x4_u",
        I32x4TruncSatF64x2SZero "i32x4.trunc_sat_f64x2_s_zero",
        I32x4TruncSatF64x2UZero "i32x4.trunc_sat_f64x2_u_zero",
        F64x2ConvertLowI32x4S "f64x2.convert_low_i32x4_s",
        F64x2ConvertLowI32x4U "f64x2.convert_low_i32x4_u",
        F32x4DemoteF64x2Zero "f32x4.demote_f64x2_zero",
        F64x2PromoteLowF32x4 "f64x2.promote_low_f32x4",
        I32x4RelaxedTruncF32x4S "i32x4.relaxed_trunc_f32x4_s",
        I32x4RelaxedTruncF32x4U "i32x4.relaxed_trunc_f32x4_u",
        I32x4RelaxedTruncF64x2SZero "i32x4.relaxed_trunc_f64x2_s_zero",
        I32x4RelaxedTruncF64x2UZero "i32x4.relaxed_trunc_f64x2_u_zero",
    ],
    test: [
        V128AnyTrue "v128.any_true",
        I8x16AllTrue "i8x16.all_true",
        I8x16Bitmask "i8x16.bitmask",
        I16x8AllTrue "i16x8.all_true",
        I16x8Bitmask "i16x8.bitmask",
        I32x4AllTrue "i32x4.all_true",
        I32x4Bitmask "i32x4.bitmask",
        I64x2AllTrue "i64x2.all_true",
        I64x2Bitmask "i64x2.bitmask",
    ],
    binary: [
        I8x16Swizzle "i8x16.swizzle",
        I8x16Eq "i8x16.eq",
        I8x16Ne "i8x16.ne",
        I8x16LtS "i8x16.lt_s",
        I8x16LtU "i8x16.lt_u",
        I8x16GtS "i8x16.gt_s",
        I8x16GtU "i8x16.gt_u",
        I8x16LeS "i8x16.le_s",
        I8x16LeU "i8x16.le_u",
        I8x16GeS "i8x16.ge_s",
        I8x16GeU "i8x16.ge_u",
        I16x8Eq "i16x8.eq",
        I16x8Ne "i16x8.ne",
        I16x8LtS "i16x8.lt_s",
        I16x8LtU "i16x8.lt_u",
        I16x8GtS "i16x8.gt_s",
        I16x8GtU "i16x8.gt_u",
        I16x8LeS "i16x8.le_s",
        I16x8LeU "i16x8.le_u",
        I16x8GeS "i16x8.ge_s",
        I16x8GeU "i16x8.ge_u",
        I32x4Eq "i32x4.eq",
        I32x4Ne "i32x4.ne",
        I32x4LtS "i32x4.lt_s",
        I32x4LtU "i32x4.lt_u",
        I32x4GtS "i32x4.gt_s",
        I32x4GtU "i32x4.gt_u",
        I32x4LeS "i32x4.le_s",
        I32x4LeU "i32x4.le_u",
        I32x4GeS "i32x4.ge_s",
        I32x4GeU "i32x4.ge_u",
        I64x2Eq "i64x2.eq",
        I64x2Ne "i64x2.ne",
        I64x2LtS "i64x2.lt_s",
        I64x2GtS "i64x2.gt_s",
        I64x2LeS "i64x2.le_s",
        I64x2GeS "i64x2.ge_s",
        F32x4Eq "f32x4.eq",
        F32x4Ne "f32x4.ne",
        F32x4Lt "f32x4.lt",
        F32x4Gt "f32x4.gt",
        F32x4Le "f32x4.le",
        F32x4Ge "f32x4.ge",
        F64x2Eq "f64x2.eq",
        F64x2Ne "f64x2.ne",
        F64x2Lt "f64x2.lt",
        F64x2Gt "f64x2.gt",
        F64x2Le "f64x2.le",
        F64x2Ge "f64x2.ge",
        V128And "v128.and",
        V128AndNot "v128.andnot",
        V128Or "v128.or",
        V128Xor "v128.xor",
        I8x16NarrowI16x8S "i8x16.narrow_i16x8_s",
        I8x16NarrowI16x8U "i8x16.narrow_i16x8_u",
        I8x16Add "i8x16.add",
        I8x16AddSatS "i8x16.add_sat_s",
        I8x16AddSatU "i8x16.add_sat_u",
        I8x16Sub "i8x16.sub",
        I8x16SubSatS "i8x16.sub_sat_s",
        I8x16SubSatU "i8x16.sub_sat_u",
        I8x16MinS "i8x16.min_s",
        I8x16MinU "i8x16.min_u",
        I8x16MaxS "i8x16.max_s",
        I8x16MaxU "i8x16.max_u",
        I8x16AvgrU "i8x16.avgr_u",
        I16x8Q15MulrSatS "i16x8.q15mulr_sat_s",
        I16x8NarrowI32x4S "i16x8.narrow_i32x4_s",
        I16x8NarrowI32x4U "i16x8.narrow_i32x4_u",
        I16x8Add "i16x8.add",
        I16x8AddSatS "i16x8.add_sat_s",
        I16x8AddSatU "i16x8.add_sat_u",
        I16x8Sub "i16x8.sub",
        I16x8SubSatS "i16x8.sub_sat_s",
        I16x8SubSatU "i16x8.sub_sat_u",
        I16x8Mul "i16x8.mul",
        I16x8MinS "i16x8.min_s",
        I16x8MinU "i16x8.min_u",
        I16x8MaxS "i16x8.max_s",
        I16x8MaxU "i16x8.max_u",
        I16x8AvgrU "i16x8.avgr_u",
        I16x8ExtMulLowI8x16S "i16x8.extmul_low_i8x16_s",
        I16x8ExtMulHighI8x16S "i16x8.extmul_high_i8x16_s",
        I16x8ExtMulLowI8x16U "i16x8.extmul_low_i8x16_u",
        I16x8ExtMulHighI8x16U "i16x8.extmul_high_i8x16_u",
        I32x4Add "i32x4.add",
        I32x4Sub "i32x4.sub",
        I32x4Mul "i32x4.mul",
        I32x4MinS "i32x4.min_s",
        I32x4MinU "i32x4.min_u",
        I32x4MaxS "i32x4.max_s",
        I32x4MaxU "i32x4.max_u",
        I32x4DotI16x8S "i32x4.dot_i16x8_s",
        I32x4ExtMulLowI16x8S "i32x4.extmul_low_i16x8_s",
        I32x4ExtMulHighI16x8S "i32x4.extmul_high_i16x8_s",
        I32x4ExtMulLowI16x8U "i32x4.extmul_low_i16x8_u",
        I32x4ExtMulHighI16x8U "i32x4.extmul_high_i16x8_u",
        I64x2Add "i64x2.add",
        I64x2Sub "i64x2.sub",
        I64x2Mul "i64x2.mul",
        I64x2ExtMulLowI32x4S "i64x2.extmul_low_i32x4_s",
        I64x2ExtMulHighI32x4S "i64x2.extmul_high_i32x4_s",
        I64x2ExtMulLowI32x4U "i64x2.extmul_low_i32x4_u",
        I64x2ExtMulHighI32x4U "i64x2.extmul_high_i32x4_u",
        F32x4Add "f32x4.add",
        F32x4Sub "f32x4.sub",
        F32x4Mul "f32x4.mul",
        F32x4Div "f32x4.div",
        F32x4Min "f32x4.min",
        F32x4Max "f32x4.max",
        F32x4PMin "f32x4.pmin",
        F32x4PMax "f32x4.pmax",
        F64x2Add "f64x2.add",
        F64x2Sub "f64x2.sub",
        F64x2Mul "f64x2.mul",
        F64x2Div "f64x2.div",
        F64x2Min "f64x2.min",
        F64x2Max "f64x2.max",
        F64x2PMin "f64x2.pmin",
        F64x2PMax "f64x2.pmax",
        I8x16RelaxedSwizzle "i8x16.relaxed_swizzle",
        F32x4RelaxedMin "f32x4.relaxed_min",
        F32x4RelaxedMax "f32x4.relaxed_max",
        F64x2RelaxedMin "f64x2.relaxed_min",
        F64x2RelaxedMax "f64x2.relaxed_max",
        I16x8RelaxedQ15mulrS "i16x8.relaxed_q15mulr_s",
        I16x8RelaxedDotI8x16I7x16S "i16x8.relaxed_dot_i8x16_i7x16_s",
    ],
    shift: [
        I8x16Shl "i8x16.shl",
        I8x16ShrS "i8x16.shr_s",
        I8x16ShrU "i8x16.shr_u",
        I16x8Shl "i16x8.shl",
        I16x8ShrS "i16x8.shr_s",
        I16x8ShrU "i16x8.shr_u",
        I32x4Shl "i32x4.shl",
        I32x4ShrS "i32x4.shr_s",
        I32x4ShrU "i32x4.shr_u",
        I64x2Shl "i64x2.shl",
        I64x2ShrS "i64x2.shr_s",
        I64x2ShrU "i64x2.shr_u",
    ],
    ternary: [
        V128Bitselect "v128.bitselect",
        F32x4RelaxedMadd "f32x4.relaxed_madd",
        F32x4RelaxedNmadd "f32x4.relaxed_nmadd",
        F64x2RelaxedMadd "f64x2.relaxed_madd",
        F64x2RelaxedNmadd "f64x2.relaxed_nmadd",
        I8x16RelaxedLaneselect "i8x16.relaxed_laneselect",
        I16x8RelaxedLaneselect "i16x8.relaxed_laneselect",
        I32x4RelaxedLaneselect "i32x4.relaxed_laneselect",
        I64x2RelaxedLaneselect "i64x2.relaxed_laneselect",
        I32x4RelaxedDotI8x16I7x16AddS "i32x4.relaxed_dot_i8x16_i7x16_add_s",
    ],
}

impl SimdOp {
    /// The instruction a text-format name names (`f32x4.add`).
    pub fn from_name(name: &str) -> Option<SimdOp> {
        SimdOp::ALL.iter().copied().find(|op| op.name() == name)
    }

    /// Whether it belongs to the relaxed-SIMD proposal.
    pub fn is_relaxed(self) -> bool {
        self.name().contains(".relaxed_")
    }

    /// The lane shape its result (or, for a store or test, its vector
    /// operand) is best read in, from its name: `f32x4.add` -> `f32x4`;
    /// `v128.*` and loads give `None`.
    pub fn shape(self) -> Option<super::lanes::Shape> {
        super::lanes::Shape::from_prefix(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vector_instruction_is_named_once() {
        // 236 fixed-width instructions besides v128.const, plus 20 relaxed ones.
        assert_eq!(SimdOp::ALL.len(), 235 + 20);
        assert_eq!(SimdOp::ALL.iter().filter(|op| op.is_relaxed()).count(), 20);
        for op in SimdOp::ALL {
            assert_eq!(SimdOp::from_name(op.name()), Some(*op));
        }
    }
}
