;; simd_dot: a vectorised dot product over two arrays of 2^20 i32 (4 MiB
;; each). `main` fills a[i] = i & 255 and b[i] = (7 * i) & 255 four lanes at
;; a time, then sums a[i] * b[i] four times over with v128 loads, i32x4.mul
;; and i32x4.add, and adds the four lanes of the total (extract_lane).
;; The sum wraps to i32: main returns -1_633_681_408.
(module
  (memory 129)
  (func (export "main") (result i32)
    (local $i i32) (local $idx v128) (local $acc v128) (local $rep i32)
    ;; fill: a at 0, b at 4 MiB; $idx holds [i i+1 i+2 i+3]
    (local.set $idx (v128.const i32x4 0 1 2 3))
    (loop $fill
      (v128.store (local.get $i)
        (v128.and (local.get $idx) (v128.const i32x4 255 255 255 255)))
      (v128.store offset=4194304 (local.get $i)
        (v128.and (i32x4.mul (local.get $idx) (i32x4.splat (i32.const 7)))
                  (v128.const i32x4 255 255 255 255)))
      (local.set $idx (i32x4.add (local.get $idx) (i32x4.splat (i32.const 4))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 4194304))))
    ;; dot, four times
    (loop $reps
      (local.set $i (i32.const 0))
      (loop $dot
        (local.set $acc
          (i32x4.add (local.get $acc)
            (i32x4.mul (v128.load (local.get $i))
                       (v128.load offset=4194304 (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br_if $dot (i32.lt_u (local.get $i) (i32.const 4194304))))
      (local.set $rep (i32.add (local.get $rep) (i32.const 1)))
      (br_if $reps (i32.lt_u (local.get $rep) (i32.const 4))))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc))))))
