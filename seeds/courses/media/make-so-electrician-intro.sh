#!/bin/sh
# Generates so-electrician-intro.webm (48 s, 4 text slides × 12 s, 640×360, VP9, no audio) for the
# course seeds/courses/so-low-voltage-electrician. Run from the repository root (fonts from node_modules):
#   sh seeds/courses/media/make-so-electrician-intro.sh
set -e
R=node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf
B=node_modules/@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf
OUT=seeds/courses/media/so-electrician-intro.webm
slide() { # $1 start, $2 title, $3 line 1, $4 line 2, $5 accent, $6 page
	e="enable='between(t,$1,$(($1 + 12)))'"
	printf "%s" ",drawtext=fontfile=$B:text='$2':fontsize=44:fontcolor=white:x=(w-text_w)/2:y=95:$e"
	printf "%s" ",drawtext=fontfile=$R:text='$3':fontsize=22:fontcolor=0xdfe9f3:x=(w-text_w)/2:y=175:$e"
	printf "%s" ",drawtext=fontfile=$R:text='$4':fontsize=22:fontcolor=0xdfe9f3:x=(w-text_w)/2:y=212:$e"
	printf "%s" ",drawtext=fontfile=$B:text='$5':fontsize=26:fontcolor=0xf5a623:x=(w-text_w)/2:y=270:$e"
	printf "%s" ",drawtext=fontfile=$R:text='$6 / 4':fontsize=16:fontcolor=0xc8d6e5:x=w-text_w-24:y=18:$e"
}
F="[0:v][1:v]overlay=x='-w+w*t/48':y=H-h:shortest=1,drawbox=x=0:y=0:w=iw:h=4:color=0xf5a623:t=fill"
F="$F,drawtext=fontfile=$R:text='安训 · 特种作业理论导学：低压电工作业':fontsize=16:fontcolor=0xc8d6e5:x=24:y=18"
F="$F$(slide 0 '低压电工作业' '对 1 千伏以下的低压电器设备' '安装、调试、运行操作、维护、检修、改造施工和试验' '属于特种作业' 1)"
F="$F$(slide 12 '1 千伏是分界线' '1 kV 及以上：高压电工作业' '1 kV 以下：低压电工作业' '先认清自己的作业' 2)"
F="$F$(slide 24 '必须持证上岗' '经专门的安全作业培训，取得相应资格' '方可上岗作业（安全生产法第三十条）' '无证不上岗' 3)"
F="$F$(slide 36 '考核两部分' '理论知识考核 + 实际操作技能考核' '百分制，80 分及以上为合格' '两部分都合格才算合格' 4)"
ffmpeg -y -hide_banner -loglevel error \
	-f lavfi -i "color=c=0x0b3d66:s=640x360:r=25:d=48" \
	-f lavfi -i "color=c=0xf5a623:s=640x6:r=25:d=48" \
	-filter_complex "$F" -c:v libvpx-vp9 -b:v 200k -g 25 -an "$OUT"
