;; memset/memcpy-heavy code as a C compiler emits it for `-O2` without bulk
;; memory: word-at-a-time loops with a byte tail, over buffers of odd sizes,
;; then a checksum of the destination. `main` returns the checksum (i32).
(module
  (memory 2)
  ;; memset(dst, byte, n): 4 bytes per store, then the tail.
  (func $memset (param $dst i32) (param $byte i32) (param $n i32)
    (local $word i32) (local $end i32)
    (local.set $word (i32.mul (i32.and (local.get $byte) (i32.const 255)) (i32.const 0x01010101)))
    (local.set $end (i32.add (local.get $dst) (i32.and (local.get $n) (i32.const -4))))
    (block $words_done
      (loop $words
        (br_if $words_done (i32.ge_u (local.get $dst) (local.get $end)))
        (i32.store (local.get $dst) (local.get $word))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $words)))
    (local.set $end (i32.add (local.get $end) (i32.and (local.get $n) (i32.const 3))))
    (block $bytes_done
      (loop $bytes
        (br_if $bytes_done (i32.ge_u (local.get $dst) (local.get $end)))
        (i32.store8 (local.get $dst) (local.get $byte))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (br $bytes))))
  ;; memcpy(dst, src, n): 8 bytes per step, then the tail.
  (func $memcpy (param $dst i32) (param $src i32) (param $n i32)
    (block $words_done
      (loop $words
        (br_if $words_done (i32.lt_u (local.get $n) (i32.const 8)))
        (i64.store (local.get $dst) (i64.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
        (local.set $src (i32.add (local.get $src) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 8)))
        (br $words)))
    (block $bytes_done
      (loop $bytes
        (br_if $bytes_done (i32.eqz (local.get $n)))
        (i32.store8 (local.get $dst) (i32.load8_u (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $bytes))))
  (func (export "main") (result i32)
    (local $r i32) (local $sum i32) (local $i i32)
    (loop $rep
      ;; fill a 60001-byte source with a pattern that depends on the round,
      ;; copy it to an offset destination, checksum a stride of it
      (call $memset (i32.const 3) (local.get $r) (i32.const 60001))
      (call $memset (i32.const 20003) (i32.add (local.get $r) (i32.const 7)) (i32.const 99))
      (call $memcpy (i32.const 65541) (i32.const 3) (i32.const 60001))
      (local.set $i (i32.const 65541))
      (block $sum_done
        (loop $sum_loop
          (br_if $sum_done (i32.ge_u (local.get $i) (i32.const 125542)))
          (local.set $sum (i32.add (i32.mul (local.get $sum) (i32.const 33))
            (i32.load8_u (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 97)))
          (br $sum_loop)))
      (br_if $rep (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 2000))))
    (local.get $sum)))
